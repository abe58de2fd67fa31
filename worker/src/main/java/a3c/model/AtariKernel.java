package a3c.model;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Atari network's passes in plain Java on the Vector API: the forward pass for one observation,
 * which acting runs at every step, and the backward pass over a rollout's recorded steps, which
 * the update runs.
 *
 * <p>Through libtorch the forward pass cost about 0.65 ms a step, and only a third of that was
 * arithmetic: at batch 1 each convolution reorders its input, weights and output to and from
 * oneDNN's blocked layout, and each of some 25 small ops pays its dispatch. These loops take about
 * 0.22 ms. The convolutions keep the output channels in vector lanes and hold the sums of several
 * output pixels in registers; the dense and LSTM layers are dot products, four rows at a time. The
 * update through libtorch ran the forward pass again as one batch before its backward pass (12-18
 * ms a rollout); here the backward pass starts from the activations acting kept (about 6.5-8 ms).
 *
 * <p>The loops are written for one shape: their assumptions (8-lane vectors, the block sizes,
 * the parameters' order) are named in {@link KernelAssumptions} and checked there before a kernel
 * is built. The convolution weights are copied into a filter-last layout and the two LSTM biases
 * summed by {@link #load}; the large matrices are copied as they are. Not thread-safe: one per network.
 */
final class AtariKernel {
  /** Eight floats a vector: the loops below address lanes 8, 16 and 24 by hand. */
  static final VectorSpecies<Float> LANES = FloatVector.SPECIES_256;
  static final int FRAMES = AtariActorCritic.FRAMES;
  static final int SIZE = AtariActorCritic.SIZE;
  static final int HIDDEN = AtariActorCritic.HIDDEN;
  static final int FLAT = AtariActorCritic.FLAT;
  /** conv1: 16 filters of 8x8, stride 4, over 84x84 gives 20x20; conv2: 32 of 4x4, stride 2, gives 9x9. */
  static final int FILTERS1 = 16;
  static final int KERNEL1 = 8;
  static final int STRIDE1 = 4;
  static final int OUT1 = 20;
  static final int FILTERS2 = 32;
  static final int KERNEL2 = 4;
  static final int STRIDE2 = 2;
  static final int OUT2 = 9;

  // Where each parameter sits in AtariActorCritic.specs(), which load() and the gradient's export() read by index.
  static final int CONV1_WEIGHT = 0;
  static final int CONV1_BIAS = 1;
  static final int CONV2_WEIGHT = 2;
  static final int CONV2_BIAS = 3;
  static final int FC_WEIGHT = 4;
  static final int FC_BIAS = 5;
  static final int LSTM_WEIGHT_IH = 6;
  static final int LSTM_WEIGHT_HH = 7;
  static final int LSTM_BIAS_IH = 8;
  static final int LSTM_BIAS_HH = 9;
  static final int ACTOR_WEIGHT = 10;
  static final int ACTOR_BIAS = 11;
  static final int CRITIC_WEIGHT = 12;
  static final int CRITIC_BIAS = 13;

  private final int actions;
  /** conv1's weights as [channel][row][column][filter]. */
  private final float[] conv1 = new float[FRAMES * KERNEL1 * KERNEL1 * FILTERS1];
  private final float[] conv1Bias = new float[FILTERS1];
  /** conv2's weights as [row][column][channel][filter]. */
  private final float[] conv2 = new float[KERNEL2 * KERNEL2 * FILTERS1 * FILTERS2];
  private final float[] conv2Bias = new float[FILTERS2];
  private final float[] fc = new float[HIDDEN * FLAT];
  private final float[] fcBias = new float[HIDDEN];
  private final float[] weightIh = new float[4 * HIDDEN * HIDDEN];
  private final float[] weightHh = new float[4 * HIDDEN * HIDDEN];
  private final float[] gateBias = new float[4 * HIDDEN];
  private final float[] actor;
  private final float[] actorBias;
  private final float[] critic = new float[HIDDEN];
  private final float[] criticBias = new float[1];

  /** conv2's weights as [row][column][filter][channel], for the gradient of its input. */
  private final float[] conv2ByFilter = new float[KERNEL2 * KERNEL2 * FILTERS2 * FILTERS1];

  /** Bumped by every {@link #load}, so that a step recorded under older weights is recomputed. */
  private long generation;
  /** The activations of {@link #step}, which keeps none of them but the next LSTM state. */
  private final Activations scratch = new Activations();
  /** The rollout's recorded steps, reused from rollout to rollout; grown on demand. */
  private Activations[] recorded = new Activations[0];
  private final Gradient gradient;
  private final float[] lanes = new float[LANES.length()];

  AtariKernel(int actions) {
    this.actions = actions;
    this.actor = new float[actions * HIDDEN];
    this.actorBias = new float[actions];
    this.gradient = new Gradient(actions);
  }

  /** Copies the network's current weights in; call after every change to them. */
  void load(Weights weights) {
    FloatBuffer filters = weights.floats(CONV1_WEIGHT);
    for (int f = 0; f < FILTERS1; f++) {
      for (int c = 0; c < FRAMES; c++) {
        for (int k = 0; k < KERNEL1 * KERNEL1; k++) {
          conv1[(c * KERNEL1 * KERNEL1 + k) * FILTERS1 + f] = filters.get((f * FRAMES + c) * KERNEL1 * KERNEL1 + k);
        }
      }
    }
    weights.floats(CONV1_BIAS).get(0, conv1Bias);
    filters = weights.floats(CONV2_WEIGHT);
    for (int f = 0; f < FILTERS2; f++) {
      for (int c = 0; c < FILTERS1; c++) {
        for (int k = 0; k < KERNEL2 * KERNEL2; k++) {
          float w = filters.get((f * FILTERS1 + c) * KERNEL2 * KERNEL2 + k);
          conv2[(k * FILTERS1 + c) * FILTERS2 + f] = w;
          conv2ByFilter[(k * FILTERS2 + f) * FILTERS1 + c] = w;
        }
      }
    }
    weights.floats(CONV2_BIAS).get(0, conv2Bias);
    weights.floats(FC_WEIGHT).get(0, fc);
    weights.floats(FC_BIAS).get(0, fcBias);
    weights.floats(LSTM_WEIGHT_IH).get(0, weightIh);
    weights.floats(LSTM_WEIGHT_HH).get(0, weightHh);
    FloatBuffer biasIh = weights.floats(LSTM_BIAS_IH);
    FloatBuffer biasHh = weights.floats(LSTM_BIAS_HH);
    for (int i = 0; i < gateBias.length; i++) {
      gateBias[i] = biasIh.get(i) + biasHh.get(i);
    }
    weights.floats(ACTOR_WEIGHT).get(0, actor);
    weights.floats(ACTOR_BIAS).get(0, actorBias);
    weights.floats(CRITIC_WEIGHT).get(0, critic);
    weights.floats(CRITIC_BIAS).get(0, criticBias);
    generation++;
  }

  /** See {@link ActorCritic#step}. */
  float step(float[] observation, float[] hidden, float[] cell, float[] logits) {
    float value = forward(observation, hidden, cell, scratch, logits);
    System.arraycopy(scratch.nextHidden, 0, hidden, 0, HIDDEN);
    System.arraycopy(scratch.nextCell, 0, cell, 0, HIDDEN);
    return value;
  }

  /** See {@link ActorCritic#trainingStep}. */
  float trainingStep(int t, float[] observation, float[] hidden, float[] cell, float[] logits) {
    if (t < 0) {
      throw new IllegalArgumentException("slot " + t + " is negative");
    }
    if (t >= recorded.length) {
      int old = recorded.length;
      recorded = Arrays.copyOf(recorded, t + 1);
      for (int i = old; i <= t; i++) {
        recorded[i] = new Activations();
      }
    }
    Activations step = recorded[t];
    System.arraycopy(observation, 0, step.observation, 0, step.observation.length);
    System.arraycopy(hidden, 0, step.hidden, 0, HIDDEN);
    System.arraycopy(cell, 0, step.cell, 0, HIDDEN);
    step.generation = generation;
    float value = forward(step.observation, step.hidden, step.cell, step, logits);
    System.arraycopy(step.nextHidden, 0, hidden, 0, HIDDEN);
    System.arraycopy(step.nextCell, 0, cell, 0, HIDDEN);
    return value;
  }

  /** The forward pass from {@code hidden} and {@code cell}, leaving its activations in {@code into}. */
  private float forward(float[] observation, float[] hidden, float[] cell, Activations into, float[] logits) {
    float[] dense = into.dense;
    float[] gates = into.gates;
    convolution1(observation, into.features1);
    convolution2(into.features1, into.features2);
    for (int row = 0; row < HIDDEN; row += 4) {
      dot4(fc, row, FLAT, into.features2, dense, fcBias, false);
    }
    for (int j = 0; j < HIDDEN; j++) {
      dense[j] = Math.max(dense[j], 0f);
    }
    for (int row = 0; row < 4 * HIDDEN; row += 4) {
      dot4(weightIh, row, HIDDEN, dense, gates, gateBias, false);
      dot4(weightHh, row, HIDDEN, hidden, gates, null, true);
    }
    // PyTorch's gate order: input, forget, cell candidate, output.
    for (int j = 0; j < HIDDEN; j++) {
      float input = sigmoid(gates[j]);
      float forget = sigmoid(gates[HIDDEN + j]);
      float candidate = (float) Math.tanh(gates[2 * HIDDEN + j]);
      float output = sigmoid(gates[3 * HIDDEN + j]);
      float nextCell = forget * cell[j] + input * candidate;
      float cellTanh = (float) Math.tanh(nextCell);
      gates[j] = input;
      gates[HIDDEN + j] = forget;
      gates[2 * HIDDEN + j] = candidate;
      gates[3 * HIDDEN + j] = output;
      into.nextCell[j] = nextCell;
      into.cellTanh[j] = cellTanh;
      into.nextHidden[j] = output * cellTanh;
    }
    for (int a = 0; a < actions; a++) {
      logits[a] = dot(actor, a * HIDDEN, into.nextHidden) + actorBias[a];
    }
    return dot(critic, 0, into.nextHidden) + criticBias[0];
  }

  private static float sigmoid(float x) {
    return 1f / (1f + (float) Math.exp(-x));
  }

  /**
   * conv1 with ReLU: four output pixels of a row at a time, their 16 filters in two vectors each,
   * so that every weight vector loaded serves four pixels.
   */
  private void convolution1(float[] x, float[] features1) {
    FloatVector zero = FloatVector.zero(LANES);
    FloatVector biasLow = FloatVector.fromArray(LANES, conv1Bias, 0);
    FloatVector biasHigh = FloatVector.fromArray(LANES, conv1Bias, 8);
    for (int outRow = 0; outRow < OUT1; outRow++) {
      for (int outColumn = 0; outColumn < OUT1; outColumn += 4) {
        FloatVector low0 = biasLow, high0 = biasHigh, low1 = biasLow, high1 = biasHigh;
        FloatVector low2 = biasLow, high2 = biasHigh, low3 = biasLow, high3 = biasHigh;
        for (int c = 0; c < FRAMES; c++) {
          for (int kernelRow = 0; kernelRow < KERNEL1; kernelRow++) {
            int in = (c * SIZE + outRow * 4 + kernelRow) * SIZE + outColumn * 4;
            int w = (c * KERNEL1 + kernelRow) * KERNEL1 * FILTERS1;
            for (int k = 0; k < KERNEL1; k++) {
              FloatVector low = FloatVector.fromArray(LANES, conv1, w + k * FILTERS1);
              FloatVector high = FloatVector.fromArray(LANES, conv1, w + k * FILTERS1 + 8);
              FloatVector x0 = FloatVector.broadcast(LANES, x[in + k]);
              FloatVector x1 = FloatVector.broadcast(LANES, x[in + 4 + k]);
              FloatVector x2 = FloatVector.broadcast(LANES, x[in + 8 + k]);
              FloatVector x3 = FloatVector.broadcast(LANES, x[in + 12 + k]);
              low0 = low.fma(x0, low0);
              high0 = high.fma(x0, high0);
              low1 = low.fma(x1, low1);
              high1 = high.fma(x1, high1);
              low2 = low.fma(x2, low2);
              high2 = high.fma(x2, high2);
              low3 = low.fma(x3, low3);
              high3 = high.fma(x3, high3);
            }
          }
        }
        int out = (outRow * OUT1 + outColumn) * FILTERS1;
        low0.max(zero).intoArray(features1, out);
        high0.max(zero).intoArray(features1, out + 8);
        low1.max(zero).intoArray(features1, out + 16);
        high1.max(zero).intoArray(features1, out + 24);
        low2.max(zero).intoArray(features1, out + 32);
        high2.max(zero).intoArray(features1, out + 40);
        low3.max(zero).intoArray(features1, out + 48);
        high3.max(zero).intoArray(features1, out + 56);
      }
    }
  }

  /** conv2 with ReLU: three output pixels at a time, their 32 filters in four vectors each. */
  private void convolution2(float[] features1, float[] features2) {
    FloatVector zero = FloatVector.zero(LANES);
    for (int outRow = 0; outRow < OUT2; outRow++) {
      for (int outColumn = 0; outColumn < OUT2; outColumn += 3) {
        FloatVector a0 = FloatVector.fromArray(LANES, conv2Bias, 0);
        FloatVector b0 = FloatVector.fromArray(LANES, conv2Bias, 8);
        FloatVector c0 = FloatVector.fromArray(LANES, conv2Bias, 16);
        FloatVector d0 = FloatVector.fromArray(LANES, conv2Bias, 24);
        FloatVector a1 = a0, b1 = b0, c1 = c0, d1 = d0, a2 = a0, b2 = b0, c2 = c0, d2 = d0;
        for (int kernelRow = 0; kernelRow < KERNEL2; kernelRow++) {
          for (int kernelColumn = 0; kernelColumn < KERNEL2; kernelColumn++) {
            int in = ((2 * outRow + kernelRow) * OUT1 + 2 * outColumn + kernelColumn) * FILTERS1;
            int w = (kernelRow * KERNEL2 + kernelColumn) * FILTERS1 * FILTERS2;
            for (int c = 0; c < FILTERS1; c++, w += FILTERS2) {
              // The three pixels are two columns apart in conv1's output.
              FloatVector x0 = FloatVector.broadcast(LANES, features1[in + c]);
              FloatVector x1 = FloatVector.broadcast(LANES, features1[in + 2 * FILTERS1 + c]);
              FloatVector x2 = FloatVector.broadcast(LANES, features1[in + 4 * FILTERS1 + c]);
              FloatVector v = FloatVector.fromArray(LANES, conv2, w);
              a0 = v.fma(x0, a0);
              a1 = v.fma(x1, a1);
              a2 = v.fma(x2, a2);
              v = FloatVector.fromArray(LANES, conv2, w + 8);
              b0 = v.fma(x0, b0);
              b1 = v.fma(x1, b1);
              b2 = v.fma(x2, b2);
              v = FloatVector.fromArray(LANES, conv2, w + 16);
              c0 = v.fma(x0, c0);
              c1 = v.fma(x1, c1);
              c2 = v.fma(x2, c2);
              v = FloatVector.fromArray(LANES, conv2, w + 24);
              d0 = v.fma(x0, d0);
              d1 = v.fma(x1, d1);
              d2 = v.fma(x2, d2);
            }
          }
        }
        int pixel = outRow * OUT2 + outColumn;
        storeFilters(a0.max(zero), 0, pixel, features2);
        storeFilters(b0.max(zero), 8, pixel, features2);
        storeFilters(c0.max(zero), 16, pixel, features2);
        storeFilters(d0.max(zero), 24, pixel, features2);
        storeFilters(a1.max(zero), 0, pixel + 1, features2);
        storeFilters(b1.max(zero), 8, pixel + 1, features2);
        storeFilters(c1.max(zero), 16, pixel + 1, features2);
        storeFilters(d1.max(zero), 24, pixel + 1, features2);
        storeFilters(a2.max(zero), 0, pixel + 2, features2);
        storeFilters(b2.max(zero), 8, pixel + 2, features2);
        storeFilters(c2.max(zero), 16, pixel + 2, features2);
        storeFilters(d2.max(zero), 24, pixel + 2, features2);
      }
    }
  }

  /** Scatters one pixel's filters {@code [first, first + 8)} into the filter-major layout. */
  private void storeFilters(FloatVector values, int first, int pixel, float[] features2) {
    values.intoArray(lanes, 0);
    for (int i = 0; i < lanes.length; i++) {
      features2[(first + i) * OUT2 * OUT2 + pixel] = lanes[i];
    }
  }

  /**
   * See {@link ActorCritic#backward}. Works back from the heads through the steps recorded by
   * {@link #trainingStep}, whose activations are the forward pass of these weights, so only the
   * backward pass runs here: for the dense layers, sums of outer products over the steps and
   * products with the transposed weights, four steps at a time; for the convolutions, the same
   * register blocking as their forward passes.
   */
  double backward(int steps, float[] logitGradients, float[] valueGradients, List<FloatBuffer> out) {
    if (steps < 1 || steps > recorded.length) {
      throw new IllegalArgumentException("backward over " + steps + " steps, " + recorded.length + " recorded");
    }
    for (int t = 0; t < steps; t++) {
      Activations step = recorded[t];
      if (step.generation != generation) {
        // The weights changed since this step acted: its activations must be of these weights.
        step.generation = generation;
        forward(step.observation, step.hidden, step.cell, step, gradient.logits);
      }
    }
    Gradient g = gradient;
    g.prepare(steps);
    headsAndCell(steps, logitGradients, valueGradients);
    for (int t = 0; t < steps; t++) {
      g.inputs[t] = recorded[t].dense;
    }
    outerSum(g.weightIh, 4 * HIDDEN, HIDDEN, g.gates, g.inputs, steps);
    for (int t = 0; t < steps; t++) {
      g.inputs[t] = recorded[t].hidden;
    }
    outerSum(g.weightHh, 4 * HIDDEN, HIDDEN, g.gates, g.inputs, steps);
    transposedProducts(weightIh, 4 * HIDDEN, HIDDEN, g.gates, g.dense, steps);
    for (int t = 0; t < steps; t++) {
      reluGradient(g.dense[t], recorded[t].dense);
      sumInto(g.fcBias, g.dense[t]);
    }
    for (int t = 0; t < steps; t++) {
      g.inputs[t] = recorded[t].features2;
    }
    outerSum(g.fc, HIDDEN, FLAT, g.dense, g.inputs, steps);
    transposedProducts(fc, HIDDEN, FLAT, g.dense, g.features2, steps);
    for (int t = 0; t < steps; t++) {
      float[] flat = g.features2[t];
      float[] features2 = recorded[t].features2;
      float[] pixels = g.pixels2[t];
      for (int f = 0; f < FILTERS2; f++) {
        for (int p = 0; p < OUT2 * OUT2; p++) {
          int i = f * OUT2 * OUT2 + p;
          float d = features2[i] > 0f ? flat[i] : 0f;
          pixels[p * FILTERS2 + f] = d;
          g.conv2Bias[f] += d;
        }
      }
    }
    convolution2WeightGradient(steps);
    for (int t = 0; t < steps; t++) {
      convolution2InputGradient(g.pixels2[t], g.pixels1[t]);
      reluGradient(g.pixels1[t], recorded[t].features1);
      for (int p = 0; p < OUT1 * OUT1; p++) {
        for (int f = 0; f < FILTERS1; f++) {
          g.conv1Bias[f] += g.pixels1[t][p * FILTERS1 + f];
        }
      }
    }
    convolution1WeightGradient(steps);
    return g.export(out);
  }

  /** The heads' gradients, and the LSTM cell's back to its gates' pre-activations. */
  private void headsAndCell(int steps, float[] logitGradients, float[] valueGradients) {
    Gradient g = gradient;
    float[] dHidden = g.hidden;
    for (int t = 0; t < steps; t++) {
      Activations step = recorded[t];
      float dValue = valueGradients[t];
      g.criticBias[0] += dValue;
      for (int k = 0; k < HIDDEN; k++) {
        g.critic[k] += dValue * step.nextHidden[k];
        dHidden[k] = dValue * critic[k];
      }
      for (int a = 0; a < actions; a++) {
        float dLogit = logitGradients[t * actions + a];
        g.actorBias[a] += dLogit;
        for (int k = 0; k < HIDDEN; k++) {
          g.actor[a * HIDDEN + k] += dLogit * step.nextHidden[k];
          dHidden[k] += dLogit * actor[a * HIDDEN + k];
        }
      }
      float[] gates = step.gates;
      float[] dGates = g.gates[t];
      for (int k = 0; k < HIDDEN; k++) {
        float input = gates[k];
        float forget = gates[HIDDEN + k];
        float candidate = gates[2 * HIDDEN + k];
        float output = gates[3 * HIDDEN + k];
        float cellTanh = step.cellTanh[k];
        float dCell = dHidden[k] * output * (1f - cellTanh * cellTanh);
        dGates[k] = dCell * candidate * input * (1f - input);
        dGates[HIDDEN + k] = dCell * step.cell[k] * forget * (1f - forget);
        dGates[2 * HIDDEN + k] = dCell * input * (1f - candidate * candidate);
        dGates[3 * HIDDEN + k] = dHidden[k] * cellTanh * output * (1f - output);
      }
      sumInto(g.gateBias, dGates);
    }
  }

  /**
   * conv2's weight gradient as [row][column][channel][filter]: per kernel position, two channels at a
   * time, their 32 filters in four vectors each, summed over every output pixel of every step.
   */
  private void convolution2WeightGradient(int steps) {
    float[] target = gradient.conv2;
    for (int k = 0; k < KERNEL2 * KERNEL2; k++) {
      int kernelRow = k / KERNEL2;
      int kernelColumn = k % KERNEL2;
      for (int c = 0; c < FILTERS1; c += 2) {
        FloatVector a0 = FloatVector.zero(LANES), b0 = a0, c0 = a0, d0 = a0, a1 = a0, b1 = a0, c1 = a0, d1 = a0;
        for (int t = 0; t < steps; t++) {
          float[] features1 = recorded[t].features1;
          float[] pixels = gradient.pixels2[t];
          for (int outRow = 0; outRow < OUT2; outRow++) {
            for (int outColumn = 0; outColumn < OUT2; outColumn++) {
              int in = ((2 * outRow + kernelRow) * OUT1 + 2 * outColumn + kernelColumn) * FILTERS1 + c;
              int d = (outRow * OUT2 + outColumn) * FILTERS2;
              FloatVector x0 = FloatVector.broadcast(LANES, features1[in]);
              FloatVector x1 = FloatVector.broadcast(LANES, features1[in + 1]);
              FloatVector v = FloatVector.fromArray(LANES, pixels, d);
              a0 = v.fma(x0, a0);
              a1 = v.fma(x1, a1);
              v = FloatVector.fromArray(LANES, pixels, d + 8);
              b0 = v.fma(x0, b0);
              b1 = v.fma(x1, b1);
              v = FloatVector.fromArray(LANES, pixels, d + 16);
              c0 = v.fma(x0, c0);
              c1 = v.fma(x1, c1);
              v = FloatVector.fromArray(LANES, pixels, d + 24);
              d0 = v.fma(x0, d0);
              d1 = v.fma(x1, d1);
            }
          }
        }
        int w = (k * FILTERS1 + c) * FILTERS2;
        a0.intoArray(target, w);
        b0.intoArray(target, w + 8);
        c0.intoArray(target, w + 16);
        d0.intoArray(target, w + 24);
        a1.intoArray(target, w + FILTERS2);
        b1.intoArray(target, w + FILTERS2 + 8);
        c1.intoArray(target, w + FILTERS2 + 16);
        d1.intoArray(target, w + FILTERS2 + 24);
      }
    }
  }

  /**
   * The gradient of conv1's output ([row][column][channel]) from conv2's pre-activation gradient
   * ([pixel][filter]): three output pixels of a row at a time, the 16 channels in two vectors each.
   */
  private void convolution2InputGradient(float[] pixels, float[] into) {
    Arrays.fill(into, 0f);
    for (int outRow = 0; outRow < OUT2; outRow++) {
      for (int outColumn = 0; outColumn < OUT2; outColumn += 3) {
        int d = (outRow * OUT2 + outColumn) * FILTERS2;
        for (int k = 0; k < KERNEL2 * KERNEL2; k++) {
          int kernelRow = k / KERNEL2;
          int kernelColumn = k % KERNEL2;
          FloatVector low0 = FloatVector.zero(LANES), high0 = low0, low1 = low0, high1 = low0, low2 = low0, high2 = low0;
          int w = k * FILTERS2 * FILTERS1;
          for (int f = 0; f < FILTERS2; f++, w += FILTERS1) {
            FloatVector low = FloatVector.fromArray(LANES, conv2ByFilter, w);
            FloatVector high = FloatVector.fromArray(LANES, conv2ByFilter, w + 8);
            FloatVector d0 = FloatVector.broadcast(LANES, pixels[d + f]);
            FloatVector d1 = FloatVector.broadcast(LANES, pixels[d + FILTERS2 + f]);
            FloatVector d2 = FloatVector.broadcast(LANES, pixels[d + 2 * FILTERS2 + f]);
            low0 = low.fma(d0, low0);
            high0 = high.fma(d0, high0);
            low1 = low.fma(d1, low1);
            high1 = high.fma(d1, high1);
            low2 = low.fma(d2, low2);
            high2 = high.fma(d2, high2);
          }
          // The three pixels read conv1's output two columns apart.
          int in = ((2 * outRow + kernelRow) * OUT1 + 2 * outColumn + kernelColumn) * FILTERS1;
          addInto(into, in, low0, high0);
          addInto(into, in + 2 * FILTERS1, low1, high1);
          addInto(into, in + 4 * FILTERS1, low2, high2);
        }
      }
    }
  }

  private static void addInto(float[] into, int offset, FloatVector low, FloatVector high) {
    FloatVector.fromArray(LANES, into, offset).add(low).intoArray(into, offset);
    FloatVector.fromArray(LANES, into, offset + 8).add(high).intoArray(into, offset + 8);
  }

  /**
   * conv1's weight gradient as [channel][row][column][filter]: per kernel row, four kernel columns at a
   * time, the 16 filters in two vectors each, summed over every output pixel of every step.
   */
  private void convolution1WeightGradient(int steps) {
    float[] target = gradient.conv1;
    for (int c = 0; c < FRAMES; c++) {
      for (int kernelRow = 0; kernelRow < KERNEL1; kernelRow++) {
        for (int kernelColumn = 0; kernelColumn < KERNEL1; kernelColumn += 4) {
          FloatVector low0 = FloatVector.zero(LANES), high0 = low0, low1 = low0, high1 = low0;
          FloatVector low2 = low0, high2 = low0, low3 = low0, high3 = low0;
          for (int t = 0; t < steps; t++) {
            float[] x = recorded[t].observation;
            float[] pixels = gradient.pixels1[t];
            for (int outRow = 0; outRow < OUT1; outRow++) {
              int in = (c * SIZE + outRow * 4 + kernelRow) * SIZE + kernelColumn;
              int d = outRow * OUT1 * FILTERS1;
              for (int outColumn = 0; outColumn < OUT1; outColumn++, in += 4, d += FILTERS1) {
                FloatVector low = FloatVector.fromArray(LANES, pixels, d);
                FloatVector high = FloatVector.fromArray(LANES, pixels, d + 8);
                FloatVector x0 = FloatVector.broadcast(LANES, x[in]);
                FloatVector x1 = FloatVector.broadcast(LANES, x[in + 1]);
                FloatVector x2 = FloatVector.broadcast(LANES, x[in + 2]);
                FloatVector x3 = FloatVector.broadcast(LANES, x[in + 3]);
                low0 = low.fma(x0, low0);
                high0 = high.fma(x0, high0);
                low1 = low.fma(x1, low1);
                high1 = high.fma(x1, high1);
                low2 = low.fma(x2, low2);
                high2 = high.fma(x2, high2);
                low3 = low.fma(x3, low3);
                high3 = high.fma(x3, high3);
              }
            }
          }
          int w = ((c * KERNEL1 + kernelRow) * KERNEL1 + kernelColumn) * FILTERS1;
          low0.intoArray(target, w);
          high0.intoArray(target, w + 8);
          low1.intoArray(target, w + 16);
          high1.intoArray(target, w + 24);
          low2.intoArray(target, w + 32);
          high2.intoArray(target, w + 40);
          low3.intoArray(target, w + 48);
          high3.intoArray(target, w + 56);
        }
      }
    }
  }

  /**
   * {@code target[r][k] = sum_t left[t][r] * right[t][k]} for a {@code rows} x {@code cols} matrix:
   * four rows and sixteen columns at a time, held in registers across the steps.
   */
  private static void outerSum(float[] target, int rows, int cols, float[][] left, float[][] right, int steps) {
    for (int r = 0; r < rows; r += 4) {
      for (int k = 0; k < cols; k += 16) {
        FloatVector a0 = FloatVector.zero(LANES), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        for (int t = 0; t < steps; t++) {
          float[] x = right[t];
          float[] y = left[t];
          FloatVector xa = FloatVector.fromArray(LANES, x, k);
          FloatVector xb = FloatVector.fromArray(LANES, x, k + 8);
          FloatVector y0 = FloatVector.broadcast(LANES, y[r]);
          FloatVector y1 = FloatVector.broadcast(LANES, y[r + 1]);
          FloatVector y2 = FloatVector.broadcast(LANES, y[r + 2]);
          FloatVector y3 = FloatVector.broadcast(LANES, y[r + 3]);
          a0 = xa.fma(y0, a0);
          b0 = xb.fma(y0, b0);
          a1 = xa.fma(y1, a1);
          b1 = xb.fma(y1, b1);
          a2 = xa.fma(y2, a2);
          b2 = xb.fma(y2, b2);
          a3 = xa.fma(y3, a3);
          b3 = xb.fma(y3, b3);
        }
        int o = r * cols + k;
        a0.intoArray(target, o);
        b0.intoArray(target, o + 8);
        a1.intoArray(target, o + cols);
        b1.intoArray(target, o + cols + 8);
        a2.intoArray(target, o + 2 * cols);
        b2.intoArray(target, o + 2 * cols + 8);
        a3.intoArray(target, o + 3 * cols);
        b3.intoArray(target, o + 3 * cols + 8);
      }
    }
  }

  /**
   * {@code out[t][k] = sum_r w[r][k] * dy[t][r]}: the gradient of a dense layer's input. Four steps
   * and sixteen columns at a time, so that the weights stream through once per four steps; the
   * padding rows of {@code dy} past {@code steps} are zero.
   */
  private static void transposedProducts(float[] w, int rows, int cols, float[][] dy, float[][] out, int steps) {
    for (int t = 0; t < steps; t += 4) {
      float[] y0 = dy[t], y1 = dy[t + 1], y2 = dy[t + 2], y3 = dy[t + 3];
      for (int k = 0; k < cols; k += 16) {
        FloatVector a0 = FloatVector.zero(LANES), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        for (int r = 0, o = k; r < rows; r++, o += cols) {
          FloatVector wa = FloatVector.fromArray(LANES, w, o);
          FloatVector wb = FloatVector.fromArray(LANES, w, o + 8);
          FloatVector s0 = FloatVector.broadcast(LANES, y0[r]);
          FloatVector s1 = FloatVector.broadcast(LANES, y1[r]);
          FloatVector s2 = FloatVector.broadcast(LANES, y2[r]);
          FloatVector s3 = FloatVector.broadcast(LANES, y3[r]);
          a0 = wa.fma(s0, a0);
          b0 = wb.fma(s0, b0);
          a1 = wa.fma(s1, a1);
          b1 = wb.fma(s1, b1);
          a2 = wa.fma(s2, a2);
          b2 = wb.fma(s2, b2);
          a3 = wa.fma(s3, a3);
          b3 = wb.fma(s3, b3);
        }
        a0.intoArray(out[t], k);
        b0.intoArray(out[t], k + 8);
        a1.intoArray(out[t + 1], k);
        b1.intoArray(out[t + 1], k + 8);
        a2.intoArray(out[t + 2], k);
        b2.intoArray(out[t + 2], k + 8);
        a3.intoArray(out[t + 3], k);
        b3.intoArray(out[t + 3], k + 8);
      }
    }
  }

  /** Zeroes the gradient where the ReLU's output was zero. */
  private static void reluGradient(float[] gradient, float[] output) {
    for (int i = 0; i < gradient.length; i++) {
      gradient[i] = output[i] > 0f ? gradient[i] : 0f;
    }
  }

  private static void sumInto(float[] sum, float[] values) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] += values[i];
    }
  }

  /**
   * Rows {@code row..row+3} of the row-major matrix {@code w} (rows of {@code n}) times {@code x}:
   * sets {@code out[row + i]} to the product plus {@code bias}, or adds the product to it.
   */
  private static void dot4(float[] w, int row, int n, float[] x, float[] out, float[] bias, boolean accumulate) {
    FloatVector s0 = FloatVector.zero(LANES), s1 = s0, s2 = s0, s3 = s0;
    int r0 = row * n;
    int r1 = r0 + n;
    int r2 = r1 + n;
    int r3 = r2 + n;
    for (int i = 0; i < n; i += LANES.length()) {
      FloatVector xs = FloatVector.fromArray(LANES, x, i);
      s0 = FloatVector.fromArray(LANES, w, r0 + i).fma(xs, s0);
      s1 = FloatVector.fromArray(LANES, w, r1 + i).fma(xs, s1);
      s2 = FloatVector.fromArray(LANES, w, r2 + i).fma(xs, s2);
      s3 = FloatVector.fromArray(LANES, w, r3 + i).fma(xs, s3);
    }
    put(out, row, s0.reduceLanes(VectorOperators.ADD), bias, accumulate);
    put(out, row + 1, s1.reduceLanes(VectorOperators.ADD), bias, accumulate);
    put(out, row + 2, s2.reduceLanes(VectorOperators.ADD), bias, accumulate);
    put(out, row + 3, s3.reduceLanes(VectorOperators.ADD), bias, accumulate);
  }

  private static void put(float[] out, int i, float sum, float[] bias, boolean accumulate) {
    out[i] = accumulate ? out[i] + sum : sum + bias[i];
  }

  /** One row of {@code w}, starting at {@code offset}, times {@code x} (of length {@link #HIDDEN}). */
  private static float dot(float[] w, int offset, float[] x) {
    FloatVector sum = FloatVector.zero(LANES);
    for (int i = 0; i < HIDDEN; i += LANES.length()) {
      sum = FloatVector.fromArray(LANES, w, offset + i).fma(FloatVector.fromArray(LANES, x, i), sum);
    }
    return sum.reduceLanes(VectorOperators.ADD);
  }

  /** One step's inputs and what its forward pass computed, for the backward pass. */
  private static final class Activations {
    final float[] observation = new float[FRAMES * SIZE * SIZE];
    /** The LSTM state the step started from. */
    final float[] hidden = new float[HIDDEN];
    final float[] cell = new float[HIDDEN];
    /** conv1's output after ReLU as [row][column][filter]. */
    final float[] features1 = new float[OUT1 * OUT1 * FILTERS1];
    /** conv2's output after ReLU as [filter][row][column], PyTorch's flattening order for the dense layer. */
    final float[] features2 = new float[FLAT];
    final float[] dense = new float[HIDDEN];
    /** The gates after their sigmoid or tanh, in PyTorch's order. */
    final float[] gates = new float[4 * HIDDEN];
    final float[] nextCell = new float[HIDDEN];
    final float[] cellTanh = new float[HIDDEN];
    final float[] nextHidden = new float[HIDDEN];
    long generation = -1;
  }

  /** The parameters' gradients, and the per-step gradients of the layers' outputs on the way to them. */
  private static final class Gradient {
    /** conv1 as [channel][row][column][filter], conv2 as [row][column][channel][filter]; the rest as PyTorch's. */
    final float[] conv1 = new float[FRAMES * KERNEL1 * KERNEL1 * FILTERS1];
    final float[] conv1Bias = new float[FILTERS1];
    final float[] conv2 = new float[KERNEL2 * KERNEL2 * FILTERS1 * FILTERS2];
    final float[] conv2Bias = new float[FILTERS2];
    final float[] fc = new float[HIDDEN * FLAT];
    final float[] fcBias = new float[HIDDEN];
    final float[] weightIh = new float[4 * HIDDEN * HIDDEN];
    final float[] weightHh = new float[4 * HIDDEN * HIDDEN];
    final float[] gateBias = new float[4 * HIDDEN];
    final float[] actor;
    final float[] actorBias;
    final float[] critic = new float[HIDDEN];
    final float[] criticBias = new float[1];
    final float[] logits;
    final float[] hidden = new float[HIDDEN];
    final float[] filters = new float[KERNEL2 * KERNEL2 * FILTERS1 * FILTERS2];
    /** Per step, padded to a multiple of four steps: the gates' pre-activations, and the dense layer's output and input. */
    float[][] gates = new float[0][];
    float[][] dense = new float[0][];
    float[][] features2 = new float[0][];
    /** Per step: conv2's pre-activation as [pixel][filter], conv1's as [row][column][filter]. */
    float[][] pixels2 = new float[0][];
    float[][] pixels1 = new float[0][];
    /** Per step, the input of the dense layer at hand. */
    float[][] inputs = new float[0][];

    Gradient(int actions) {
      actor = new float[actions * HIDDEN];
      actorBias = new float[actions];
      logits = new float[actions];
    }

    /** Zeroes the sums and makes room for {@code steps} steps, with zero padding rows. */
    void prepare(int steps) {
      int padded = (steps + 3) & ~3;
      if (gates.length < padded) {
        gates = grow(gates, padded, 4 * HIDDEN);
        dense = grow(dense, padded, HIDDEN);
        features2 = grow(features2, padded, FLAT);
        pixels2 = grow(pixels2, padded, FLAT);
        pixels1 = grow(pixels1, padded, OUT1 * OUT1 * FILTERS1);
        inputs = new float[padded][];
      }
      for (int t = steps; t < padded; t++) {
        Arrays.fill(gates[t], 0f);
      }
      for (float[] sum : new float[][] {conv1Bias, conv2Bias, fcBias, gateBias, actor, actorBias, critic, criticBias}) {
        Arrays.fill(sum, 0f);
      }
    }

    private static float[][] grow(float[][] rows, int count, int size) {
      float[][] grown = Arrays.copyOf(rows, count);
      for (int t = rows.length; t < count; t++) {
        grown[t] = new float[size];
      }
      return grown;
    }

    /**
     * Writes every gradient into {@code out} in {@link AtariActorCritic#specs} order and PyTorch's
     * layouts; returns the sum of their squares.
     */
    double export(List<FloatBuffer> out) {
      float[] conv1Out = filters;
      for (int c = 0; c < FRAMES; c++) {
        for (int k = 0; k < KERNEL1 * KERNEL1; k++) {
          for (int f = 0; f < FILTERS1; f++) {
            conv1Out[(f * FRAMES + c) * KERNEL1 * KERNEL1 + k] = conv1[(c * KERNEL1 * KERNEL1 + k) * FILTERS1 + f];
          }
        }
      }
      double sum = put(out.get(CONV1_WEIGHT), conv1Out, FRAMES * KERNEL1 * KERNEL1 * FILTERS1)
          + put(out.get(CONV1_BIAS), conv1Bias);
      float[] conv2Out = filters;
      for (int k = 0; k < KERNEL2 * KERNEL2; k++) {
        for (int c = 0; c < FILTERS1; c++) {
          for (int f = 0; f < FILTERS2; f++) {
            conv2Out[(f * FILTERS1 + c) * KERNEL2 * KERNEL2 + k] = conv2[(k * FILTERS1 + c) * FILTERS2 + f];
          }
        }
      }
      sum += put(out.get(CONV2_WEIGHT), conv2Out, conv2Out.length) + put(out.get(CONV2_BIAS), conv2Bias);
      sum += put(out.get(FC_WEIGHT), fc) + put(out.get(FC_BIAS), fcBias);
      sum += put(out.get(LSTM_WEIGHT_IH), weightIh) + put(out.get(LSTM_WEIGHT_HH), weightHh);
      // Both LSTM biases enter the gates as one sum, so each gets the whole gradient.
      sum += put(out.get(LSTM_BIAS_IH), gateBias) + put(out.get(LSTM_BIAS_HH), gateBias);
      return sum + put(out.get(ACTOR_WEIGHT), actor) + put(out.get(ACTOR_BIAS), actorBias)
          + put(out.get(CRITIC_WEIGHT), critic) + put(out.get(CRITIC_BIAS), criticBias);
    }

    private static double put(FloatBuffer target, float[] values) {
      return put(target, values, values.length);
    }

    private static double put(FloatBuffer target, float[] values, int length) {
      target.put(0, values, 0, length);
      FloatVector squares = FloatVector.zero(LANES);
      int i = 0;
      for (; i <= length - LANES.length(); i += LANES.length()) {
        FloatVector v = FloatVector.fromArray(LANES, values, i);
        squares = v.fma(v, squares);
      }
      double sum = squares.reduceLanes(VectorOperators.ADD);
      for (; i < length; i++) {
        sum += (double) values[i] * values[i];
      }
      return sum;
    }
  }
}
