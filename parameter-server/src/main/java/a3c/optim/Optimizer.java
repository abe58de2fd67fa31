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
   * One step of one tensor, its coefficients fixed: applies it to {@code [from, to)}, a range inside
   * the tensor's part of the flat weights and moments, whose gradients are
   * {@code gradients[gradientsFrom, gradientsFrom + to - from)} (a chunk's scratch copy, or the flat
   * gradients at the same offsets). Each element depends only on its own index, so disjoint ranges of
   * one step may run on different threads at once, and any split of a tensor gives the same bits as
   * one pass over it.
   */
  @FunctionalInterface
  interface TensorStep {
    void update(float[] weights, int from, int to, float[] gradients, int gradientsFrom);
  }

  /**
   * Starts one step of tensor {@code tensor}: advances its step count and fixes the coefficients of
   * the step it returns. Steps begun one after another apply in that order, element by element, so
   * several of them may be applied to a range before the next range with the same bits as each
   * applied whole in turn.
   */
  TensorStep begin(int tensor);

  /**
   * Applies one whole step to tensor {@code tensor}, which occupies {@code [offset, offset + length)}
   * of the flat weights, the flat gradients and the optimizer's flat moments alike.
   */
  default void step(int tensor, float[] weights, float[] gradients, int offset, int length) {
    begin(tensor).update(weights, offset, offset + length, gradients, offset);
  }

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
