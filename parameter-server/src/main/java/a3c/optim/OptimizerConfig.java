package a3c.optim;

/**
 * Hyperparameters of the shared optimizer.
 *
 * @param lr learning rate (the reference's {@code --lr}, default 1e-4)
 * @param beta1 Adam's first-moment decay (0.9)
 * @param beta2 Adam's second-moment decay (the reference uses 0.99, not PyTorch's 0.999)
 * @param eps added to the denominator (1e-8)
 * @param alpha RMSprop's smoothing constant (0.99)
 */
public record OptimizerConfig(OptimizerKind kind, double lr, double beta1, double beta2, double eps, double alpha) {
  public static final double DEFAULT_LR = 1e-4;

  public OptimizerConfig {
    if (kind == null) {
      throw new IllegalArgumentException("optimizer kind must be given");
    }
    requireIn("lr", lr, 0, false, 1, true);
    requireIn("beta1", beta1, 0, true, 1, false);
    requireIn("beta2", beta2, 0, true, 1, false);
    requireIn("eps", eps, 0, false, 1, true);
    requireIn("alpha", alpha, 0, true, 1, false);
  }

  /** The reference's defaults for the given optimizer and learning rate. */
  public static OptimizerConfig defaults(OptimizerKind kind, double lr) {
    return new OptimizerConfig(kind, lr, 0.9, 0.99, 1e-8, 0.99);
  }

  private static void requireIn(String name, double value, double low, boolean lowIncluded,
      double high, boolean highIncluded) {
    boolean aboveLow = lowIncluded ? value >= low : value > low;
    boolean belowHigh = highIncluded ? value <= high : value < high;
    if (!Double.isFinite(value) || !aboveLow || !belowHigh) {
      throw new IllegalArgumentException(name + " must be in " + (lowIncluded ? "[" : "(") + low + ", "
          + high + (highIncluded ? "]" : ")") + ", got " + value);
    }
  }
}
