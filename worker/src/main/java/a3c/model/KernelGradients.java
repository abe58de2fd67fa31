package a3c.model;

import static a3c.model.AtariKernel.ACTOR_BIAS;
import static a3c.model.AtariKernel.ACTOR_WEIGHT;
import static a3c.model.AtariKernel.CONV1_BIAS;
import static a3c.model.AtariKernel.CONV1_WEIGHT;
import static a3c.model.AtariKernel.CONV2_BIAS;
import static a3c.model.AtariKernel.CONV2_WEIGHT;
import static a3c.model.AtariKernel.CRITIC_BIAS;
import static a3c.model.AtariKernel.CRITIC_WEIGHT;
import static a3c.model.AtariKernel.FC_BIAS;
import static a3c.model.AtariKernel.FC_WEIGHT;
import static a3c.model.AtariKernel.FILTERS1;
import static a3c.model.AtariKernel.FILTERS2;
import static a3c.model.AtariKernel.FLAT;
import static a3c.model.AtariKernel.FRAMES;
import static a3c.model.AtariKernel.HIDDEN;
import static a3c.model.AtariKernel.KERNEL1;
import static a3c.model.AtariKernel.KERNEL2;
import static a3c.model.AtariKernel.LANES;
import static a3c.model.AtariKernel.LSTM_BIAS_HH;
import static a3c.model.AtariKernel.LSTM_BIAS_IH;
import static a3c.model.AtariKernel.LSTM_WEIGHT_HH;
import static a3c.model.AtariKernel.LSTM_WEIGHT_IH;
import static a3c.model.AtariKernel.OUT1;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** The Atari network's parameter gradients, and the per-step gradients of the layers' outputs on the way to them. */
final class KernelGradients {
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

  KernelGradients(int actions) {
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
