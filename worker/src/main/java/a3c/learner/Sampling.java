package a3c.learner;

import java.util.Random;

/** Picking actions from logits. */
final class Sampling {

  private Sampling() {}

  /** Draws an index with probability softmax(logits). */
  static int sample(float[] logits, Random random) {
    double[] weights = shiftedExp(logits);
    double u = random.nextDouble() * sum(weights);
    for (int a = 0; a < logits.length - 1; a++) {
      u -= weights[a];
      if (u < 0) {
        return a;
      }
    }
    return logits.length - 1;
  }

  /** Writes softmax(logits) into {@code probabilities}. */
  static void softmax(float[] logits, float[] probabilities) {
    double[] weights = shiftedExp(logits);
    double total = sum(weights);
    for (int a = 0; a < logits.length; a++) {
      probabilities[a] = (float) (weights[a] / total);
    }
  }

  static int argmax(float[] logits) {
    int best = 0;
    for (int a = 1; a < logits.length; a++) {
      if (logits[a] > logits[best]) {
        best = a;
      }
    }
    return best;
  }

  /** exp(logit - max logit): softmax's numerators, shifted so that none overflows. */
  private static double[] shiftedExp(float[] logits) {
    double max = logits[argmax(logits)];
    double[] weights = new double[logits.length];
    for (int a = 0; a < logits.length; a++) {
      weights[a] = Math.exp(logits[a] - max);
    }
    return weights;
  }

  private static double sum(double[] values) {
    double total = 0;
    for (double value : values) {
      total += value;
    }
    return total;
  }
}
