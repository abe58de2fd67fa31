package a3c.model;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * What the {@link Engine#JAVA} networks share: their parameters in plain {@link Weights}, with no
 * tensor library behind them. A subclass hears of every change to the weights through
 * {@link #weightsChanged}.
 */
abstract class JavaNetwork implements ActorCritic {
  final Weights weights;
  private final int actionCount;

  JavaNetwork(int actionCount, List<ParameterSpec> specs, List<Init> inits) {
    this.actionCount = actionCount;
    this.weights = new Weights(specs, inits);
  }

  /** Called after {@link #initialize} and {@link #loadWeights}; the weights are in {@link #weights}. */
  abstract void weightsChanged();

  @Override
  public final List<ParameterSpec> parameters() {
    return weights.specs();
  }

  @Override
  public final int actionCount() {
    return actionCount;
  }

  @Override
  public final Engine engine() {
    return Engine.JAVA;
  }

  @Override
  public final void initialize(long seed) {
    weights.initialize(seed);
    weightsChanged();
  }

  @Override
  public final void loadWeights(List<ByteBuffer> buffers) {
    weights.load(buffers);
    weightsChanged();
  }

  @Override
  public final List<ByteBuffer> exportWeights() {
    return weights.export();
  }

  @Override
  public void close() {
    // Plain memory: nothing to release.
  }
}
