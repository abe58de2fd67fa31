package a3c.model;

import static a3c.model.Init.KAIMING_NORMAL;
import static a3c.model.Init.XAVIER_UNIFORM;
import static a3c.model.Init.ZERO;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * The reference Atari network on the {@link Engine#JAVA} engine: two convolutions, a 256-unit dense
 * layer, an LSTM cell, and linear actor and critic heads, on stacked 4x84x84 frames, computed by
 * the hand-written {@link AtariKernel}. Gate order is PyTorch's (input, forget, cell, output).
 * {@link DjlNetwork#atari} is the same network in DJL blocks.
 */
public final class AtariActorCritic extends JavaNetwork {

  static final int FRAMES = 4;
  static final int SIZE = 84;
  static final int FLAT = 32 * 9 * 9;
  static final int HIDDEN = 256;

  private final AtariKernel kernel;

  /**
   * @throws IllegalStateException when this JVM cannot run the kernel: without the Vector API
   *     ({@code --add-modules jdk.incubator.vector}; the scripts and the launcher pass it), or on a CPU
   *     whose vectors are narrower than 256 bits; the message names {@code --engine djl} as the way out
   */
  public AtariActorCritic(int actionCount) {
    super(actionCount, specs(actionCount), List.of(
        KAIMING_NORMAL, ZERO, KAIMING_NORMAL, ZERO,
        XAVIER_UNIFORM, ZERO,
        XAVIER_UNIFORM, XAVIER_UNIFORM, ZERO, ZERO,
        XAVIER_UNIFORM, ZERO, XAVIER_UNIFORM, ZERO));
    KernelAssumptions.check(parameters());
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
  public float step(float[] observation, float[] hidden, float[] cell, float[] logits) {
    return kernel.step(observation, hidden, cell, logits);
  }

  @Override
  public float trainingStep(int t, float[] observation, float[] hidden, float[] cell, float[] logits) {
    return kernel.trainingStep(t, observation, hidden, cell, logits);
  }

  /** From the activations of acting: a batched libtorch pass, forward again then backward, cost 12-18 ms a rollout. */
  @Override
  public double backward(int steps, float[] logitGradients, float[] valueGradients, List<FloatBuffer> gradients) {
    return kernel.backward(steps, logitGradients, valueGradients, gradients);
  }

  @Override
  void weightsChanged() {
    kernel.load(weights);
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
