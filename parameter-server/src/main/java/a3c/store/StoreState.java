package a3c.store;

import a3c.optim.OptimizerState;

/**
 * Everything the store holds, copied at one instant: what a checkpoint saves and a resume restores.
 *
 * @param weights all tensors, flat, in layout order
 */
public record StoreState(TensorLayout layout, float[] weights, OptimizerState optimizer, long version,
    long globalStep, long updates, long frames) {
  public StoreState {
    if (weights.length != layout.totalSize()) {
      throw new IllegalArgumentException("the weights hold " + weights.length + " floats, the layout "
          + layout.totalSize());
    }
    optimizer.requireSizes(layout.sizes());
  }
}
