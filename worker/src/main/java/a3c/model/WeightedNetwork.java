package a3c.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What every network here shares: its parameters in a {@link Weights} on its own manager, and
 * training through libtorch's autograd on {@link #forward}, which a network may replace by its own
 * backward pass.
 */
abstract class WeightedNetwork implements ActorCritic {
  final NDManager manager;
  final Weights weights;
  private final int actionCount;
  /** Per recorded step: the observation, then the LSTM state it started from. */
  private final List<float[][]> recorded = new ArrayList<>();

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

  /** Keeps the step's inputs; {@link #backward} runs the forward pass again over all of them. */
  @Override
  public float trainingStep(int t, float[] observation, float[] hidden, float[] cell, float[] logits) {
    if (t < 0) {
      throw new IllegalArgumentException("slot " + t + " is negative");
    }
    while (recorded.size() <= t) {
      recorded.add(new float[][] {new float[observation.length], new float[hidden.length], new float[cell.length]});
    }
    float[][] inputs = recorded.get(t);
    System.arraycopy(observation, 0, inputs[0], 0, observation.length);
    System.arraycopy(hidden, 0, inputs[1], 0, hidden.length);
    System.arraycopy(cell, 0, inputs[2], 0, cell.length);
    return step(observation, hidden, cell, logits);
  }

  /** One batched forward over the recorded steps with autograd, back from the given output gradients. */
  @Override
  public double backward(int steps, float[] logitGradients, float[] valueGradients, List<FloatBuffer> gradients) {
    if (steps < 1 || steps > recorded.size()) {
      throw new IllegalArgumentException("backward over " + steps + " steps, " + recorded.size() + " recorded");
    }
    try (NDManager scope = manager.newSubManager()) {
      Torch.recordGrad();
      try {
        Output out = forward(scope.create(rows(steps, 0), new Shape(steps).addAll(new Shape(observationShape()))),
            state(scope, steps, 1), state(scope, steps, 2));
        NDArray surrogate = out.logits().mul(scope.create(Arrays.copyOf(logitGradients, steps * actionCount),
            new Shape(steps, actionCount))).sum()
            .add(out.values().reshape(-1).mul(scope.create(Arrays.copyOf(valueGradients, steps))).sum());
        Torch.backward(surrogate);
      } finally {
        Torch.noGrad();
      }
      double sumOfSquares = 0;
      List<NDArray> parameters = weights.arrays();
      for (int i = 0; i < parameters.size(); i++) {
        NDArray gradient = parameters.get(i).getGradient();
        gradient.attach(scope);
        float[] values = gradient.toFloatArray();
        for (float v : values) {
          sumOfSquares += (double) v * v;
        }
        gradients.get(i).put(0, values);
        Torch.zeroGradient(parameters.get(i));
      }
      return sumOfSquares;
    }
  }

  /** Component {@code which} of the first {@code steps} recorded steps, back to back. */
  private float[] rows(int steps, int which) {
    int size = recorded.get(0)[which].length;
    float[] flat = new float[steps * size];
    for (int t = 0; t < steps; t++) {
      System.arraycopy(recorded.get(t)[which], 0, flat, t * size, size);
    }
    return flat;
  }

  private NDArray state(NDManager scope, int steps, int which) {
    return recurrentSize() == 0 ? null : scope.create(rows(steps, which), new Shape(steps, recurrentSize()));
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
