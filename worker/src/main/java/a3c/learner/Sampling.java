package a3c.learner;

import java.util.Random;

/** Picking actions from logits. */
final class Sampling {

  private Sampling() {}

  /** Draws an index with probability softmax(logits). */
  static int sample(float[] logits, Random random) {
    double max = logits[argmax(logits)];
    double total = 0;
    double[] weights = new double[logits.length];
    for (int a = 0; a < logits.length; a++) {
      weights[a] = Math.exp(logits[a] - max);
      total += weights[a];
    }
    double u = random.nextDouble() * total;
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
    double max = logits[argmax(logits)];
    double total = 0;
    for (int a = 0; a < logits.length; a++) {
      total += Math.exp(logits[a] - max);
    }
    for (int a = 0; a < logits.length; a++) {
      probabilities[a] = (float) (Math.exp(logits[a] - max) / total);
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
}
