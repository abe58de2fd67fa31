package a3c.model;

import static a3c.model.Weights.Init.KAIMING_NORMAL;
import static a3c.model.Weights.Init.XAVIER_UNIFORM;
import static a3c.model.Weights.Init.ZERO;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * The reference Atari network: two convolutions, a 256-unit dense layer, an LSTM cell, and
 * linear actor and critic heads, on stacked 4x84x84 frames.
 *
 * <p>Written as raw tensor ops on the parameter arrays rather than DJL blocks: the LSTM is a single
 * cell stepped by the caller, and the learner feeds stored per-step states, which blocks do not
 * model. Gate order is PyTorch's (input, forget, cell, output).
 */
public final class AtariActorCritic extends WeightedNetwork {

  static final int FRAMES = 4;
  static final int SIZE = 84;
  static final int FLAT = 32 * 9 * 9;
  static final int HIDDEN = 256;

  // Positions in parameters(), for the forward pass.
  private static final int FC = 4;
  private static final int WEIGHT_IH = 6;
  private static final int WEIGHT_HH = 7;
  private static final int BIAS_IH = 8;
  private static final int BIAS_HH = 9;
  private static final int ACTOR = 10;
  private static final int CRITIC = 12;

  private static final Shape CONV1_STRIDE = new Shape(4, 4);
  private static final Shape CONV2_STRIDE = new Shape(2, 2);
  static final String VECTOR_MODULE = "jdk.incubator.vector";

  private final AtariKernel kernel;

  /**
   * @throws IllegalStateException when the JVM runs without the Vector API, which acting needs
   *     ({@code --add-modules jdk.incubator.vector}; the scripts and the launcher pass it)
   */
  public AtariActorCritic(int actionCount) {
    super(actionCount, specs(actionCount), List.of(
        KAIMING_NORMAL, ZERO, KAIMING_NORMAL, ZERO,
        XAVIER_UNIFORM, ZERO,
        XAVIER_UNIFORM, XAVIER_UNIFORM, ZERO, ZERO,
        XAVIER_UNIFORM, ZERO, XAVIER_UNIFORM, ZERO));
    if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      close();
      throw new IllegalStateException("the Atari network acts through the Vector API: start java with --add-modules "
          + VECTOR_MODULE + " (scripts/ and the launcher do)");
    }
    this.kernel = new AtariKernel(actionCount);
  }

  static List<ParameterSpec> specs(int actions) {
    if (actions < 1) {
      throw new IllegalArgumentException("actionCount must be positive, got " + actions);
    }
    return List.of(
        new ParameterSpec("conv1.weight", new long[] {16, FRAMES, 8, 8}),
        new ParameterSpec("conv1.bias", new long[] {16}),
        new ParameterSpec("conv2.weight", new long[] {32, 16, 4, 4}),
        new ParameterSpec("conv2.bias", new long[] {32}),
        new ParameterSpec("fc.weight", new long[] {HIDDEN, FLAT}),
        new ParameterSpec("fc.bias", new long[] {HIDDEN}),
        new ParameterSpec("lstm.weight_ih", new long[] {4 * HIDDEN, HIDDEN}),
        new ParameterSpec("lstm.weight_hh", new long[] {4 * HIDDEN, HIDDEN}),
        new ParameterSpec("lstm.bias_ih", new long[] {4 * HIDDEN}),
        new ParameterSpec("lstm.bias_hh", new long[] {4 * HIDDEN}),
        new ParameterSpec("actor.weight", new long[] {actions, HIDDEN}),
        new ParameterSpec("actor.bias", new long[] {actions}),
        new ParameterSpec("critic.weight", new long[] {1, HIDDEN}),
        new ParameterSpec("critic.bias", new long[] {1}));
  }

  @Override
  public Output forward(NDArray observations, NDArray hidden, NDArray cell) {
    long batch = observations.getShape().get(0);
    NDArray x = Activation.relu(
        Conv2d.conv2d(observations, weights.get(0), weights.get(1), CONV1_STRIDE).singletonOrThrow());
    x = Activation.relu(Conv2d.conv2d(x, weights.get(2), weights.get(3), CONV2_STRIDE).singletonOrThrow());
    x = Activation.relu(linear(x.reshape(batch, FLAT), FC, FC + 1));
    NDArray gates = linear(x, WEIGHT_IH, BIAS_IH).add(linear(hidden, WEIGHT_HH, BIAS_HH));
    NDList chunks = gates.split(4, 1);
    NDArray input = Activation.sigmoid(chunks.get(0));
    NDArray forget = Activation.sigmoid(chunks.get(1));
    NDArray candidate = chunks.get(2).tanh();
    NDArray output = Activation.sigmoid(chunks.get(3));
    NDArray nextCell = forget.mul(cell).add(input.mul(candidate));
    NDArray nextHidden = output.mul(nextCell.tanh());
    return new Output(linear(nextHidden, ACTOR, ACTOR + 1), linear(nextHidden, CRITIC, CRITIC + 1),
        nextHidden, nextCell);
  }

  @Override
  public float step(float[] observation, float[] hidden, float[] cell, float[] logits) {
    return kernel.step(observation, hidden, cell, logits);
  }

  @Override
  public float trainingStep(int t, float[] observation, float[] hidden, float[] cell, float[] logits) {
    return kernel.trainingStep(t, observation, hidden, cell, logits);
  }

  /** In plain Java from the activations of acting: the batched libtorch pass cost 12-18 ms a rollout. */
  @Override
  public double backward(int steps, float[] logitGradients, float[] valueGradients, List<FloatBuffer> gradients) {
    return kernel.backward(steps, logitGradients, valueGradients, gradients);
  }

  @Override
  public void initialize(long seed) {
    super.initialize(seed);
    kernel.load(weights);
  }

  @Override
  public void loadWeights(List<ByteBuffer> buffers) {
    super.loadWeights(buffers);
    kernel.load(weights);
  }

  /** The linear layer with weight and bias at these positions of {@link #parameters()}. */
  private NDArray linear(NDArray x, int weight, int bias) {
    return Linear.linear(x, weights.get(weight), weights.get(bias)).singletonOrThrow();
  }

  @Override
  public long[] observationShape() {
    return new long[] {FRAMES, SIZE, SIZE};
  }

  @Override
  public int recurrentSize() {
    return HIDDEN;
  }
}
