package a3c.model;

import static a3c.model.Init.XAVIER_UNIFORM;
import static a3c.model.Init.ZERO;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * A feed-forward actor-critic for small vector observations (CartPole-v1: 4 inputs, 2 actions) on
 * the {@link Engine#JAVA} engine: one shared ReLU layer, then linear actor and critic heads, in
 * scalar loops, the network being small. {@link DjlNetwork#mlp} is the same network in DJL blocks.
 */
public final class MlpActorCritic extends JavaNetwork {
  private static final int FC = 0;
  private static final int ACTOR = 2;
  private static final int CRITIC = 4;

  private final int observationSize;
  private final int hiddenSize;
  private final float[] features;
  private final float[] value = new float[1];
  /** The backward pass recomputes the rest from the observations. */
  private final RecordedSteps recorded;

  public MlpActorCritic(int observationSize, int hiddenSize, int actionCount) {
    super(actionCount, specs(observationSize, hiddenSize, actionCount),
        List.of(XAVIER_UNIFORM, ZERO, XAVIER_UNIFORM, ZERO, XAVIER_UNIFORM, ZERO));
    this.observationSize = observationSize;
    this.hiddenSize = hiddenSize;
    this.features = new float[hiddenSize];
    this.recorded = new RecordedSteps(observationSize, 0);
  }

  static List<ParameterSpec> specs(int observationSize, int hiddenSize, int actionCount) {
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
  void weightsChanged() {
    // The loops read the weights where Weights keeps them.
  }

  @Override
  public float step(float[] observation, float[] hidden, float[] cell, float[] logits) {
    linear(observation, 0, FC, features);
    for (int j = 0; j < hiddenSize; j++) {
      features[j] = Math.max(features[j], 0f);
    }
    linear(features, 0, ACTOR, logits);
    linear(features, 0, CRITIC, value);
    return value[0];
  }

  @Override
  public float trainingStep(int t, float[] observation, float[] hidden, float[] cell, float[] logits) {
    recorded.record(t, observation, hidden, cell);
    return step(observation, hidden, cell, logits);
  }

  /** Runs each step's forward pass again with the current weights, then back through the heads and the ReLU layer. */
  @Override
  public double backward(int steps, float[] logitGradients, float[] valueGradients, List<FloatBuffer> gradients) {
    recorded.requireSteps(steps);
    float[] observations = recorded.observations();
    int actions = actionCount();
    for (FloatBuffer gradient : gradients) {
      for (int i = 0; i < gradient.capacity(); i++) {
        gradient.put(i, 0f);
      }
    }
    FloatBuffer fcWeight = gradients.get(FC);
    FloatBuffer fcBias = gradients.get(FC + 1);
    FloatBuffer actorWeight = gradients.get(ACTOR);
    FloatBuffer actorBias = gradients.get(ACTOR + 1);
    FloatBuffer criticWeight = gradients.get(CRITIC);
    FloatBuffer criticBias = gradients.get(CRITIC + 1);
    FloatBuffer actor = weights.floats(ACTOR);
    FloatBuffer critic = weights.floats(CRITIC);
    float[] logits = new float[actions];
    float[] dFeatures = new float[hiddenSize];
    for (int t = 0; t < steps; t++) {
      int x = t * observationSize;
      linear(observations, x, FC, features);
      float dValue = valueGradients[t];
      criticBias.put(0, criticBias.get(0) + dValue);
      for (int j = 0; j < hiddenSize; j++) {
        float f = Math.max(features[j], 0f);
        features[j] = f;
        criticWeight.put(j, criticWeight.get(j) + dValue * f);
        dFeatures[j] = dValue * critic.get(j);
      }
      for (int a = 0; a < actions; a++) {
        float dLogit = logitGradients[t * actions + a];
        actorBias.put(a, actorBias.get(a) + dLogit);
        for (int j = 0; j < hiddenSize; j++) {
          actorWeight.put(a * hiddenSize + j, actorWeight.get(a * hiddenSize + j) + dLogit * features[j]);
          dFeatures[j] += dLogit * actor.get(a * hiddenSize + j);
        }
      }
      for (int j = 0; j < hiddenSize; j++) {
        float d = features[j] > 0f ? dFeatures[j] : 0f;
        fcBias.put(j, fcBias.get(j) + d);
        for (int i = 0; i < observationSize; i++) {
          fcWeight.put(j * observationSize + i, fcWeight.get(j * observationSize + i) + d * observations[x + i]);
        }
      }
    }
    double sumOfSquares = 0;
    for (FloatBuffer gradient : gradients) {
      for (int i = 0; i < gradient.capacity(); i++) {
        sumOfSquares += (double) gradient.get(i) * gradient.get(i);
      }
    }
    return sumOfSquares;
  }

  /** {@code out = W x + b} over {@code x[from ..]}, with W and b the parameters at {@code index} and {@code index + 1}. */
  private void linear(float[] x, int from, int index, float[] out) {
    FloatBuffer weight = weights.floats(index);
    FloatBuffer bias = weights.floats(index + 1);
    int columns = (int) weights.specs().get(index).shape()[1];
    for (int row = 0; row < out.length; row++) {
      float sum = bias.get(row);
      for (int i = 0; i < columns; i++) {
        sum += weight.get(row * columns + i) * x[from + i];
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
