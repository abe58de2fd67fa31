package a3c.checkpoint;

import a3c.optim.OptimizerKind;
import a3c.optim.OptimizerState;
import a3c.proto.Checkpoint;
import a3c.proto.OptimizerState.Builder;
import a3c.proto.Tensor;
import a3c.rpc.Tensors;
import a3c.store.StoreState;
import a3c.store.TensorLayout;
import java.nio.file.Path;
import java.util.List;

/** Converts between the server's state and the {@link Checkpoint} message, checking what it reads. */
public final class Checkpoints {
  public static final int FORMAT_VERSION = 1;

  private Checkpoints() {}

  /** The store part of a checkpoint message; the caller adds hyperparameters, episodes and the stop reason. */
  public static Checkpoint.Builder fromStore(StoreState state) {
    TensorLayout layout = state.layout();
    OptimizerState optimizer = state.optimizer();
    Checkpoint.Builder checkpoint = Checkpoint.newBuilder()
        .setFormatVersion(FORMAT_VERSION)
        .setCreatedUnixMs(System.currentTimeMillis())
        .setVersion(state.version())
        .setGlobalStep(state.globalStep())
        .setUpdates(state.updates())
        .setFrames(state.frames());
    Builder optimizerProto = checkpoint.getOptimizerBuilder().setKind(optimizer.kind().flag());
    for (int t = 0; t < layout.size(); t++) {
      String name = layout.name(t);
      long[] shape = layout.shape(t);
      checkpoint.addWeights(Tensors.encode(name, shape, state.weights(), layout.offset(t), layout.numel(t)));
      optimizerProto.addStep(optimizer.steps()[t]);
      if (optimizer.firstMoment().length > 0) {
        optimizerProto.addFirstMoment(Tensors.encode(name, shape, optimizer.firstMoment(), layout.offset(t), layout.numel(t)));
      }
      optimizerProto.addSecondMoment(Tensors.encode(name, shape, optimizer.secondMoment(), layout.offset(t), layout.numel(t)));
    }
    return checkpoint;
  }

  /**
   * The store state a checkpoint holds.
   *
   * @throws CheckpointException when the message is inconsistent (wrong format version, tensor
   *     sizes that do not match their shapes, optimizer state that does not fit the weights)
   */
  public static StoreState toStore(Path file, Checkpoint checkpoint) {
    if (checkpoint.getFormatVersion() != FORMAT_VERSION) {
      throw new CheckpointException(file, "has format version " + checkpoint.getFormatVersion()
          + "; this build reads version " + FORMAT_VERSION);
    }
    try {
      List<Tensor> weights = checkpoint.getWeightsList();
      TensorLayout layout = TensorLayout.of(weights);
      float[] flat = new float[layout.totalSize()];
      for (int t = 0; t < layout.size(); t++) {
        Tensors.decode(weights.get(t).getData(), flat, layout.offset(t));
      }
      a3c.proto.OptimizerState proto = checkpoint.getOptimizer();
      OptimizerKind kind = OptimizerKind.parse(proto.getKind());
      int tensors = layout.size();
      int firstCount = kind == OptimizerKind.ADAM ? tensors : 0;
      if (proto.getStepCount() != tensors || proto.getFirstMomentCount() != firstCount || proto.getSecondMomentCount() != tensors) {
        throw new IllegalArgumentException("its optimizer state covers " + proto.getStepCount() + " tensors, its model " + tensors);
      }
      float[] first = new float[firstCount == 0 ? 0 : layout.totalSize()];
      float[] second = new float[layout.totalSize()];
      for (int t = 0; t < tensors; t++) {
        if (firstCount > 0) {
          decodeMoment(proto.getFirstMoment(t), layout, t, first);
        }
        decodeMoment(proto.getSecondMoment(t), layout, t, second);
      }
      OptimizerState optimizer = new OptimizerState(kind, proto.getStepList().stream().mapToLong(Long::longValue).toArray(),
          first, second);
      return new StoreState(layout, flat, optimizer, checkpoint.getVersion(), checkpoint.getGlobalStep(),
          checkpoint.getUpdates(), checkpoint.getFrames());
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file, "is inconsistent: " + e.getMessage(), e);
    }
  }

  private static void decodeMoment(Tensor moment, TensorLayout layout, int t, float[] destination) {
    if (!moment.getName().equals(layout.name(t)) || moment.getData().size() != layout.numel(t) * Float.BYTES) {
      throw new IllegalArgumentException("its optimizer moment '" + moment.getName() + "' does not match tensor '"
          + layout.name(t) + "' of " + layout.numel(t) + " values");
    }
    Tensors.decode(moment.getData(), destination, layout.offset(t));
  }
}
