package a3c.model;

import static a3c.model.Weights.Init.XAVIER_UNIFORM;
import static a3c.model.Weights.Init.ZERO;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import java.nio.FloatBuffer;
import java.util.List;

/** A feed-forward actor-critic for small vector observations (CartPole-v1: 4 inputs, 2 actions). */
public final class MlpActorCritic extends WeightedNetwork {

  private final int observationSize;
  private final float[] features;
  private final float[] value = new float[1];

  /** The CartPole-v1 network: one shared ReLU layer of 128 units. */
  public static MlpActorCritic cartPole() {
    return new MlpActorCritic(4, 128, 2);
  }

  public MlpActorCritic(int observationSize, int hiddenSize, int actionCount) {
    super(actionCount, specs(observationSize, hiddenSize, actionCount),
        List.of(XAVIER_UNIFORM, ZERO, XAVIER_UNIFORM, ZERO, XAVIER_UNIFORM, ZERO));
    this.observationSize = observationSize;
    this.features = new float[hiddenSize];
  }

  private static List<ParameterSpec> specs(int observationSize, int hiddenSize, int actionCount) {
    if (observationSize < 1 || hiddenSize < 1 || actionCount < 1) {
      throw new IllegalArgumentException("sizes must be positive, got observationSize="
          + observationSize + " hiddenSize=" + hiddenSize + " actionCount=" + actionCount);
    }
    return List.of(
        new ParameterSpec("fc.weight", new long[] {hiddenSize, observationSize}),
        new ParameterSpec("fc.bias", new long[] {hiddenSize}),
        new ParameterSpec("actor.weight", new long[] {actionCount, hiddenSize}),
        new ParameterSpec("actor.bias", new long[] {actionCount}),
        new ParameterSpec("critic.weight", new long[] {1, hiddenSize}),
        new ParameterSpec("critic.bias", new long[] {1}));
  }

  @Override
  public Output forward(NDArray observations, NDArray hidden, NDArray cell) {
    NDArray features = Activation.relu(linear(observations, 0));
    return new Output(linear(features, 2), linear(features, 4), null, null);
  }

  private NDArray linear(NDArray x, int index) {
    return Linear.linear(x, weights.get(index), weights.get(index + 1)).singletonOrThrow();
  }

  /** Reads the weights where the tensors keep them; the network is small enough for scalar loops. */
  @Override
  public float step(float[] observation, float[] hidden, float[] cell, float[] logits) {
    linear(observation, 0, features);
    for (int j = 0; j < features.length; j++) {
      features[j] = Math.max(features[j], 0f);
    }
    linear(features, 2, logits);
    linear(features, 4, value);
    return value[0];
  }

  /** {@code out = W x + b}, with W and b the parameters at {@code index} and {@code index + 1}. */
  private void linear(float[] x, int index, float[] out) {
    FloatBuffer weight = weights.floats(index);
    FloatBuffer bias = weights.floats(index + 1);
    for (int row = 0; row < out.length; row++) {
      float sum = bias.get(row);
      for (int i = 0; i < x.length; i++) {
        sum += weight.get(row * x.length + i) * x[i];
      }
      out[row] = sum;
    }
  }

  @Override
  public long[] observationShape() {
    return new long[] {observationSize};
  }

  @Override
  public int recurrentSize() {
    return 0;
  }
}
