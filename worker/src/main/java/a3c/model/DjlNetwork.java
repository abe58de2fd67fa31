package a3c.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import java.util.List;
import java.util.function.Supplier;

/**
 * A network for the {@link Engine#DJL} engine, defined in DJL blocks: a trunk of named layers from
 * the observation to a feature vector, then optionally an LSTM cell, then the linear actor and critic
 * heads that every actor-critic has ({@link DjlActorCritic} adds those). Define another network by
 * listing other layers; its gradients come from libtorch's autograd, with no backward pass to write.
 *
 * <p>A trunk layer's parameters are named {@code <layer name>.<DJL parameter name>} ({@code conv1.weight});
 * the LSTM's {@code lstm.weight_ih}, {@code lstm.weight_hh}, {@code lstm.bias_ih}, {@code lstm.bias_hh}
 * as in PyTorch's {@code LSTMCell}; the heads' {@code actor.weight} ... {@code critic.bias}.
 *
 * @param observationShape one observation, without the batch dimension; a 3-d shape is read as
 *     channels, height, width
 * @param trunk the layers in order; blocks are made fresh for each network, hence suppliers
 * @param lstmSize the LSTM cell's hidden size, or 0 for a feed-forward network
 */
public record DjlNetwork(long[] observationShape, List<Layer> trunk, int lstmSize) {

  public DjlNetwork {
    observationShape = observationShape.clone();
    trunk = List.copyOf(trunk);
    if (observationShape.length == 0 || trunk.isEmpty() || lstmSize < 0) {
      throw new IllegalArgumentException("a network needs an observation shape, a trunk and lstmSize >= 0");
    }
  }

  @Override
  public long[] observationShape() {
    return observationShape.clone();
  }

  /**
   * One trunk layer.
   *
   * @param name the prefix of its parameters' names; unused for a layer without parameters
   * @param block makes the layer's block
   * @param weightInit how its weights are drawn by {@link ActorCritic#initialize}; its biases start at zero
   */
  public record Layer(String name, Supplier<Block> block, Init weightInit) {
    /** A layer without parameters, such as an activation or a reshape. */
    public static Layer of(Supplier<Block> block) {
      return new Layer("", block, Init.ZERO);
    }
  }

  /** The reference's Atari network, as {@link AtariActorCritic} computes it on the java engine. */
  public static DjlNetwork atari() {
    return new DjlNetwork(new long[] {AtariActorCritic.FRAMES, AtariActorCritic.SIZE, AtariActorCritic.SIZE}, List.of(
        new Layer("conv1", () -> Conv2d.builder().setFilters(16).setKernelShape(new Shape(8, 8)).optStride(new Shape(4, 4))
            .build(), Init.KAIMING_NORMAL),
        Layer.of(Activation::reluBlock),
        new Layer("conv2", () -> Conv2d.builder().setFilters(32).setKernelShape(new Shape(4, 4)).optStride(new Shape(2, 2))
            .build(), Init.KAIMING_NORMAL),
        Layer.of(Activation::reluBlock),
        Layer.of(Blocks::batchFlattenBlock),
        new Layer("fc", () -> Linear.builder().setUnits(AtariActorCritic.HIDDEN).build(), Init.XAVIER_UNIFORM),
        Layer.of(Activation::reluBlock)),
        AtariActorCritic.HIDDEN);
  }

  /** One shared ReLU layer of {@code hiddenSize} units, as {@link MlpActorCritic} computes it on the java engine. */
  public static DjlNetwork mlp(int observationSize, int hiddenSize) {
    if (observationSize < 1 || hiddenSize < 1) {
      throw new IllegalArgumentException("sizes must be positive, got observationSize=" + observationSize
          + " hiddenSize=" + hiddenSize);
    }
    return new DjlNetwork(new long[] {observationSize}, List.of(
        new Layer("fc", () -> Linear.builder().setUnits(hiddenSize).build(), Init.XAVIER_UNIFORM),
        Layer.of(Activation::reluBlock)), 0);
  }
}
