package a3c.optim;

/**
 * The state a shared optimizer keeps per tensor: a step count and up to two moment buffers.
 *
 * @param steps per tensor, the number of steps applied to it
 * @param firstMoment per tensor, Adam's {@code exp_avg}; empty arrays for RMSprop
 * @param secondMoment per tensor, Adam's {@code exp_avg_sq} or RMSprop's {@code square_avg}
 */
public record OptimizerState(OptimizerKind kind, long[] steps, float[][] firstMoment, float[][] secondMoment) {
  public OptimizerState {
    if (steps.length != firstMoment.length || steps.length != secondMoment.length) {
      throw new IllegalArgumentException("optimizer state lists " + steps.length + " step counts, "
          + firstMoment.length + " first moments and " + secondMoment.length + " second moments");
    }
  }

  static OptimizerState zeros(OptimizerKind kind, int[] tensorSizes) {
    int tensors = tensorSizes.length;
    float[][] first = new float[tensors][];
    float[][] second = new float[tensors][];
    for (int t = 0; t < tensors; t++) {
      first[t] = kind == OptimizerKind.ADAM ? new float[tensorSizes[t]] : new float[0];
      second[t] = new float[tensorSizes[t]];
    }
    return new OptimizerState(kind, new long[tensors], first, second);
  }

  /** A deep copy, safe to serialise while the optimizer goes on stepping. */
  public OptimizerState copy() {
    float[][] first = new float[firstMoment.length][];
    float[][] second = new float[secondMoment.length][];
    for (int t = 0; t < steps.length; t++) {
      first[t] = firstMoment[t].clone();
      second[t] = secondMoment[t].clone();
    }
    return new OptimizerState(kind, steps.clone(), first, second);
  }

  /** Checks that this state fits tensors of the given sizes. */
  public void requireSizes(int[] tensorSizes) {
    if (steps.length != tensorSizes.length) {
      throw new IllegalArgumentException("optimizer state covers " + steps.length + " tensors, the model has "
          + tensorSizes.length);
    }
    for (int t = 0; t < tensorSizes.length; t++) {
      int firstExpected = kind == OptimizerKind.ADAM ? tensorSizes[t] : 0;
      if (firstMoment[t].length != firstExpected || secondMoment[t].length != tensorSizes[t]) {
        throw new IllegalArgumentException("optimizer state for tensor #" + t + " has " + firstMoment[t].length
            + "/" + secondMoment[t].length + " values, expected " + firstExpected + "/" + tensorSizes[t]);
      }
    }
  }
}
