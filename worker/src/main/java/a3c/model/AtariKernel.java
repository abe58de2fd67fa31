package a3c.model;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Atari network's passes in plain Java on the Vector API: the forward pass for one observation,
 * which acting runs at every step, and the backward pass over a rollout's recorded steps, which
 * the update runs. This class holds the weights in the loops' layouts and runs the layers in order;
 * the loops themselves are in {@link Convolutions}, {@link ConvolutionGradients} and
 * {@link DenseKernels}.
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
  /** Eight floats a vector: the loops address lanes 8, 16 and 24 by hand. */
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
  private final StepActivations scratch = new StepActivations();
  /** The rollout's recorded steps, reused from rollout to rollout; grown on demand. */
  private StepActivations[] recorded = new StepActivations[0];
  private final KernelGradients gradient;
  /** One vector's lanes, for scattering conv2's output. */
  private final float[] lanes = new float[LANES.length()];

  AtariKernel(int actions) {
    this.actions = actions;
    this.actor = new float[actions * HIDDEN];
    this.actorBias = new float[actions];
    this.gradient = new KernelGradients(actions);
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
        recorded[i] = new StepActivations();
      }
    }
    StepActivations step = recorded[t];
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
  private float forward(float[] observation, float[] hidden, float[] cell, StepActivations into, float[] logits) {
    float[] dense = into.dense;
    float[] gates = into.gates;
    Convolutions.conv1(conv1, conv1Bias, observation, into.features1);
    Convolutions.conv2(conv2, conv2Bias, into.features1, into.features2, lanes);
    for (int row = 0; row < HIDDEN; row += 4) {
      DenseKernels.dot4(fc, row, FLAT, into.features2, dense, fcBias, false);
    }
    for (int j = 0; j < HIDDEN; j++) {
      dense[j] = Math.max(dense[j], 0f);
    }
    for (int row = 0; row < 4 * HIDDEN; row += 4) {
      DenseKernels.dot4(weightIh, row, HIDDEN, dense, gates, gateBias, false);
      DenseKernels.dot4(weightHh, row, HIDDEN, hidden, gates, null, true);
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
      logits[a] = DenseKernels.dot(actor, a * HIDDEN, into.nextHidden) + actorBias[a];
    }
    return DenseKernels.dot(critic, 0, into.nextHidden) + criticBias[0];
  }

  private static float sigmoid(float x) {
    return 1f / (1f + (float) Math.exp(-x));
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
      StepActivations step = recorded[t];
      if (step.generation != generation) {
        // The weights changed since this step acted: its activations must be of these weights.
        step.generation = generation;
        forward(step.observation, step.hidden, step.cell, step, gradient.logits);
      }
    }
    KernelGradients g = gradient;
    g.prepare(steps);
    headsAndCell(steps, logitGradients, valueGradients);
    for (int t = 0; t < steps; t++) {
      g.inputs[t] = recorded[t].dense;
    }
    DenseKernels.outerSum(g.weightIh, 4 * HIDDEN, HIDDEN, g.gates, g.inputs, steps);
    for (int t = 0; t < steps; t++) {
      g.inputs[t] = recorded[t].hidden;
    }
    DenseKernels.outerSum(g.weightHh, 4 * HIDDEN, HIDDEN, g.gates, g.inputs, steps);
    DenseKernels.transposedProducts(weightIh, 4 * HIDDEN, HIDDEN, g.gates, g.dense, steps);
    for (int t = 0; t < steps; t++) {
      DenseKernels.reluGradient(g.dense[t], recorded[t].dense);
      DenseKernels.sumInto(g.fcBias, g.dense[t]);
    }
    for (int t = 0; t < steps; t++) {
      g.inputs[t] = recorded[t].features2;
    }
    DenseKernels.outerSum(g.fc, HIDDEN, FLAT, g.dense, g.inputs, steps);
    DenseKernels.transposedProducts(fc, HIDDEN, FLAT, g.dense, g.features2, steps);
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
    for (int t = 0; t < steps; t++) {
      g.inputs[t] = recorded[t].features1;
    }
    ConvolutionGradients.conv2Weights(g.conv2, g.inputs, g.pixels2, steps);
    for (int t = 0; t < steps; t++) {
      ConvolutionGradients.conv2Input(conv2ByFilter, g.pixels2[t], g.pixels1[t]);
      DenseKernels.reluGradient(g.pixels1[t], recorded[t].features1);
      for (int p = 0; p < OUT1 * OUT1; p++) {
        for (int f = 0; f < FILTERS1; f++) {
          g.conv1Bias[f] += g.pixels1[t][p * FILTERS1 + f];
        }
      }
    }
    for (int t = 0; t < steps; t++) {
      g.inputs[t] = recorded[t].observation;
    }
    ConvolutionGradients.conv1Weights(g.conv1, g.inputs, g.pixels1, steps);
    return g.export(out);
  }

  /** The heads' gradients, and the LSTM cell's back to its gates' pre-activations. */
  private void headsAndCell(int steps, float[] logitGradients, float[] valueGradients) {
    KernelGradients g = gradient;
    float[] dHidden = g.hidden;
    for (int t = 0; t < steps; t++) {
      StepActivations step = recorded[t];
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
      DenseKernels.sumInto(g.gateBias, dGates);
    }
  }
}
