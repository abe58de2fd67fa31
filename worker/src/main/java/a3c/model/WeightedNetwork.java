package a3c.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.util.List;

/** What every network here shares: its parameters in a {@link Weights} on its own manager. */
abstract class WeightedNetwork implements ActorCritic {
  final NDManager manager;
  final Weights weights;
  private final int actionCount;

  WeightedNetwork(int actionCount, List<ParameterSpec> specs, List<Weights.Init> inits) {
    this.actionCount = actionCount;
    this.manager = Torch.newManager();
    this.weights = new Weights(manager, specs, inits);
  }

  @Override
  public List<ParameterSpec> parameters() {
    return weights.specs();
  }

  @Override
  public int actionCount() {
    return actionCount;
  }

  @Override
  public void initialize(long seed) {
    weights.initialize(seed);
  }

  @Override
  public void loadWeights(List<ByteBuffer> buffers) {
    weights.load(buffers);
  }

  @Override
  public List<ByteBuffer> exportWeights() {
    return weights.export();
  }

  @Override
  public List<NDArray> parameterArrays() {
    return weights.arrays();
  }

  @Override
  public NDManager manager() {
    return manager;
  }

  @Override
  public void close() {
    manager.close();
  }
}
