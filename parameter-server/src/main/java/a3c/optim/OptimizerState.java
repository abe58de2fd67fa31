package a3c.optim;

import java.util.Arrays;

/**
 * The state a shared optimizer keeps: per tensor a step count, and moment buffers laid out flat
 * like the weights (tensor {@code t} at the same offsets), so one loop index serves the weights and
 * both moments.
 *
 * @param steps per tensor, the number of steps applied to it
 * @param firstMoment Adam's {@code exp_avg}; empty for RMSprop
 * @param secondMoment Adam's {@code exp_avg_sq} or RMSprop's {@code square_avg}
 */
public record OptimizerState(OptimizerKind kind, long[] steps, float[] firstMoment, float[] secondMoment) {
  static OptimizerState zeros(OptimizerKind kind, int[] tensorSizes) {
    int total = Arrays.stream(tensorSizes).sum();
    return new OptimizerState(kind, new long[tensorSizes.length],
        new float[kind == OptimizerKind.ADAM ? total : 0], new float[total]);
  }

  /** A deep copy, safe to serialise while the optimizer goes on stepping. */
  public OptimizerState copy() {
    return new OptimizerState(kind, steps.clone(), firstMoment.clone(), secondMoment.clone());
  }

  /** Checks that this state fits tensors of the given sizes. */
  public void requireSizes(int[] tensorSizes) {
    if (steps.length != tensorSizes.length) {
      throw new IllegalArgumentException("optimizer state covers " + steps.length + " tensors, the model has "
          + tensorSizes.length);
    }
    int total = Arrays.stream(tensorSizes).sum();
    int firstExpected = kind == OptimizerKind.ADAM ? total : 0;
    if (firstMoment.length != firstExpected || secondMoment.length != total) {
      throw new IllegalArgumentException("optimizer state holds " + firstMoment.length + "/" + secondMoment.length
          + " moment values, the model needs " + firstExpected + "/" + total);
    }
  }
}
