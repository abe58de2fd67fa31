package a3c.model;

import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Atari network's forward pass for one observation, in plain Java on the Vector API: what
 * acting runs at every step, with no autograd.
 *
 * <p>Through libtorch this pass cost about 0.65 ms a step on the 2026-11-29 VM, and only a third of
 * that was arithmetic: at batch 1 each convolution reorders its input, weights and output to and
 * from oneDNN's blocked layout, and each of some 25 small ops pays its dispatch. These loops take
 * about 0.22 ms. The convolutions keep the output channels in vector lanes and hold the sums of
 * several output pixels in registers; the dense and LSTM layers are dot products, four rows at a
 * time. The batched update still runs through libtorch, for its autograd.
 *
 * <p>The convolution weights are copied into a filter-last layout and the two LSTM biases summed
 * by {@link #load}; the large matrices are copied as they are. Not thread-safe: one per network.
 */
final class AtariKernel {
  private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_256;
  private static final int FRAMES = AtariActorCritic.FRAMES;
  private static final int SIZE = AtariActorCritic.SIZE;
  private static final int HIDDEN = AtariActorCritic.HIDDEN;
  private static final int FLAT = AtariActorCritic.FLAT;
  /** conv1: 16 filters of 8x8, stride 4, over 84x84 gives 20x20; conv2: 32 of 4x4, stride 2, gives 9x9. */
  private static final int FILTERS1 = 16;
  private static final int KERNEL1 = 8;
  private static final int OUT1 = 20;
  private static final int FILTERS2 = 32;
  private static final int KERNEL2 = 4;
  private static final int OUT2 = 9;

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

  /** conv1's output as [row][column][filter]. */
  private final float[] features1 = new float[OUT1 * OUT1 * FILTERS1];
  /** conv2's output as [filter][row][column], PyTorch's flattening order for the dense layer. */
  private final float[] features2 = new float[FLAT];
  private final float[] dense = new float[HIDDEN];
  private final float[] gates = new float[4 * HIDDEN];
  private final float[] lanes = new float[LANES.length()];

  AtariKernel(int actions) {
    this.actions = actions;
    this.actor = new float[actions * HIDDEN];
    this.actorBias = new float[actions];
  }

  /** Copies the network's current weights in; call after every change to them. */
  void load(Weights weights) {
    FloatBuffer filters = weights.floats(0);
    for (int f = 0; f < FILTERS1; f++) {
      for (int c = 0; c < FRAMES; c++) {
        for (int k = 0; k < KERNEL1 * KERNEL1; k++) {
          conv1[(c * KERNEL1 * KERNEL1 + k) * FILTERS1 + f] = filters.get((f * FRAMES + c) * KERNEL1 * KERNEL1 + k);
        }
      }
    }
    weights.floats(1).get(0, conv1Bias);
    filters = weights.floats(2);
    for (int f = 0; f < FILTERS2; f++) {
      for (int c = 0; c < FILTERS1; c++) {
        for (int k = 0; k < KERNEL2 * KERNEL2; k++) {
          conv2[(k * FILTERS1 + c) * FILTERS2 + f] = filters.get((f * FILTERS1 + c) * KERNEL2 * KERNEL2 + k);
        }
      }
    }
    weights.floats(3).get(0, conv2Bias);
    weights.floats(4).get(0, fc);
    weights.floats(5).get(0, fcBias);
    weights.floats(6).get(0, weightIh);
    weights.floats(7).get(0, weightHh);
    FloatBuffer biasIh = weights.floats(8);
    FloatBuffer biasHh = weights.floats(9);
    for (int i = 0; i < gateBias.length; i++) {
      gateBias[i] = biasIh.get(i) + biasHh.get(i);
    }
    weights.floats(10).get(0, actor);
    weights.floats(11).get(0, actorBias);
    weights.floats(12).get(0, critic);
    weights.floats(13).get(0, criticBias);
  }

  /** See {@link ActorCritic#step}. */
  float step(float[] observation, float[] hidden, float[] cell, float[] logits) {
    convolution1(observation);
    convolution2();
    for (int row = 0; row < HIDDEN; row += 4) {
      dot4(fc, row, FLAT, features2, dense, fcBias, false);
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
      cell[j] = nextCell;
      hidden[j] = output * (float) Math.tanh(nextCell);
    }
    for (int a = 0; a < actions; a++) {
      logits[a] = dot(actor, a * HIDDEN, hidden) + actorBias[a];
    }
    return dot(critic, 0, hidden) + criticBias[0];
  }

  private static float sigmoid(float x) {
    return 1f / (1f + (float) Math.exp(-x));
  }

  /**
   * conv1 with ReLU: four output pixels of a row at a time, their 16 filters in two vectors each,
   * so that every weight vector loaded serves four pixels.
   */
  private void convolution1(float[] x) {
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
  private void convolution2() {
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
        storeFilters(a0.max(zero), 0, pixel);
        storeFilters(b0.max(zero), 8, pixel);
        storeFilters(c0.max(zero), 16, pixel);
        storeFilters(d0.max(zero), 24, pixel);
        storeFilters(a1.max(zero), 0, pixel + 1);
        storeFilters(b1.max(zero), 8, pixel + 1);
        storeFilters(c1.max(zero), 16, pixel + 1);
        storeFilters(d1.max(zero), 24, pixel + 1);
        storeFilters(a2.max(zero), 0, pixel + 2);
        storeFilters(b2.max(zero), 8, pixel + 2);
        storeFilters(c2.max(zero), 16, pixel + 2);
        storeFilters(d2.max(zero), 24, pixel + 2);
      }
    }
  }

  /** Scatters one pixel's filters {@code [first, first + 8)} into the filter-major layout. */
  private void storeFilters(FloatVector values, int first, int pixel) {
    values.intoArray(lanes, 0);
    for (int i = 0; i < lanes.length; i++) {
      features2[(first + i) * OUT2 * OUT2 + pixel] = lanes[i];
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
}
