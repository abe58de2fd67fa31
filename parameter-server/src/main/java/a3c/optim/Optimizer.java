package a3c.optim;

/**
 * One optimizer with its state, applied to flat float arrays.
 *
 * <p>A model is a list of tensors; the optimizer keeps, per tensor, its own moment buffers and its
 * own step count (the reference's shared optimizers keep {@code state['step']} per parameter), so a
 * push that carries gradients for a subset of the tensors advances only those.
 */
public interface Optimizer {
  /**
   * Applies one step to tensor {@code tensor}, which occupies {@code [offset, offset + length)} of
   * the flat weights, the flat gradients and the optimizer's flat moments alike.
   */
  void step(int tensor, float[] weights, float[] gradients, int offset, int length);

  /** The optimizer's state, for checkpoints. */
  OptimizerState state();

  /** Creates the optimizer named in {@code config} with zeroed state for tensors of the given sizes. */
  static Optimizer create(OptimizerConfig config, int[] tensorSizes) {
    return switch (config.kind()) {
      case ADAM -> new Adam(config, OptimizerState.zeros(config.kind(), tensorSizes));
      case RMSPROP -> new RmsProp(config, OptimizerState.zeros(config.kind(), tensorSizes));
    };
  }

  /** Restores an optimizer from checkpointed state; the state's kind must match the config's. */
  static Optimizer restore(OptimizerConfig config, OptimizerState state) {
    if (state.kind() != config.kind()) {
      throw new IllegalArgumentException("optimizer state is " + state.kind().flag()
          + " but the run is configured for " + config.kind().flag());
    }
    return switch (config.kind()) {
      case ADAM -> new Adam(config, state);
      case RMSPROP -> new RmsProp(config, state);
    };
  }
}
