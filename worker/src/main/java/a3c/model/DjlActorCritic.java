package a3c.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Any {@link DjlNetwork} on the {@link Engine#DJL} engine: DJL blocks run forward on libtorch, and
 * libtorch's autograd gives the gradients.
 *
 * <p>Every parameter tensor wraps a direct buffer of its {@link Weights} without copying (each block
 * parameter is created by an initializer that hands it that buffer), so the wire's weights load by a
 * plain memory copy. Acting runs one observation through the blocks at each step; {@link #backward}
 * runs the recorded steps forward again as one batch, each step from the LSTM state it started from,
 * and back-propagates the given output gradients. Not thread-safe: one worker thread owns it.
 */
public final class DjlActorCritic implements ActorCritic {
  private final NDManager manager;
  private final ParameterStore store;
  private final long[] observationShape;
  private final int observationSize;
  private final int actionCount;
  private final int recurrentSize;
  private final List<Block> trunk = new ArrayList<>();
  private final LSTM lstm;
  private final Block actor;
  private final Block critic;
  private final Weights weights;
  /** The parameter tensors in wire order, each over the buffer of the same index in {@link #weights}. */
  private final List<NDArray> arrays = new ArrayList<>();
  private final List<ParameterSpec> specs = new ArrayList<>();
  private final List<Init> inits = new ArrayList<>();
  private final List<ByteBuffer> buffers = new ArrayList<>();
  private final RecordedSteps recorded;

  /** Starts libtorch in this JVM if it is not running yet. */
  public DjlActorCritic(DjlNetwork network, int actionCount) {
    if (actionCount < 1) {
      throw new IllegalArgumentException("actionCount must be positive, got " + actionCount);
    }
    this.actionCount = actionCount;
    this.observationShape = network.observationShape();
    this.observationSize = Math.toIntExact(Arrays.stream(observationShape).reduce(1, Math::multiplyExact));
    this.recurrentSize = network.lstmSize();
    this.recorded = new RecordedSteps(observationSize, recurrentSize);
    this.manager = Torch.newManager();
    this.store = new ParameterStore(manager, false);
    try {
      Shape shape = new Shape(1).addAll(new Shape(observationShape));
      for (DjlNetwork.Layer layer : network.trunk()) {
        Block block = layer.block().get();
        shape = add(block, shape, layer.name(), layer.weightInit());
        trunk.add(block);
      }
      if (shape.dimension() != 2) {
        throw new IllegalArgumentException("the trunk must end in a (batch, features) vector, it gives " + shape);
      }
      if (recurrentSize > 0) {
        lstm = LSTM.builder().setStateSize(recurrentSize).setNumLayers(1).optBatchFirst(true).optReturnState(true).build();
        add(lstm, new Shape(new long[] {1, 1, shape.get(1)}, "NTC"), "lstm", Init.XAVIER_UNIFORM);
        shape = new Shape(1, recurrentSize);
      } else {
        lstm = null;
      }
      actor = Linear.builder().setUnits(actionCount).build();
      add(actor, shape, "actor", Init.XAVIER_UNIFORM);
      critic = Linear.builder().setUnits(1).build();
      add(critic, shape, "critic", Init.XAVIER_UNIFORM);
      this.weights = new Weights(specs, inits, buffers);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Initializes {@code block} for inputs of {@code input}, its parameters over fresh buffers, and
   * names them; returns its output shape.
   */
  private Shape add(Block block, Shape input, String prefix, Init weightInit) {
    for (Pair<String, Parameter> pair : block.getParameters()) {
      Parameter parameter = pair.getValue();
      String name = prefix + "." + (block instanceof LSTM ? lstmName(pair.getKey()) : pair.getKey());
      Init init = parameter.getType() == Parameter.Type.BIAS ? Init.ZERO : weightInit;
      parameter.setInitializer((unused, shape, dataType) -> {
        ParameterSpec spec = new ParameterSpec(name, shape.getShape());
        ByteBuffer buffer = Weights.allocate(spec);
        NDArray array = manager.create(buffer, shape, DataType.FLOAT32);
        specs.add(spec);
        inits.add(init);
        buffers.add(buffer);
        arrays.add(array);
        return array;
      });
    }
    block.initialize(manager, DataType.FLOAT32, input);
    return block.getOutputShapes(new Shape[] {input})[0];
  }

  /** DJL's names for a one-layer LSTM's parameters ({@code l_0_i2h_WEIGHT}) as PyTorch's LSTMCell names them. */
  private static String lstmName(String djlName) {
    String kind = djlName.contains("WEIGHT") ? "weight" : djlName.contains("BIAS") ? "bias" : null;
    String gate = djlName.contains("i2h") ? "ih" : djlName.contains("h2h") ? "hh" : null;
    if (kind == null || gate == null || !djlName.contains("0")) {
      throw new IllegalStateException("unexpected LSTM parameter '" + djlName + "'");
    }
    return kind + "_" + gate;
  }

  /** The network on a batch: logits (batch, actions), values (batch, 1), and the next LSTM state when recurrent. */
  private NDList forward(NDArray observations, NDArray hidden, NDArray cell, boolean training) {
    long batch = observations.getShape().get(0);
    NDArray x = observations;
    for (Block block : trunk) {
      x = block.forward(store, new NDList(x), training).singletonOrThrow();
    }
    NDList state = new NDList();
    if (lstm != null) {
      NDList out = lstm.forward(store, new NDList(x.reshape(batch, 1, -1), hidden.reshape(1, batch, recurrentSize),
          cell.reshape(1, batch, recurrentSize)), training);
      x = out.get(0).reshape(batch, recurrentSize);
      state.add(out.get(1).reshape(batch, recurrentSize));
      state.add(out.get(2).reshape(batch, recurrentSize));
    }
    NDList outputs = new NDList(actor.forward(store, new NDList(x), training).singletonOrThrow(),
        critic.forward(store, new NDList(x), training).singletonOrThrow());
    outputs.addAll(state);
    return outputs;
  }

  @Override
  public float step(float[] observation, float[] hidden, float[] cell, float[] logits) {
    Torch.useCallingThread();
    try (NDManager scope = manager.newSubManager()) {
      NDList out = forward(scope.create(observation, new Shape(1).addAll(new Shape(observationShape))),
          state(scope, hidden, 1), state(scope, cell, 1), false);
      System.arraycopy(out.get(0).toFloatArray(), 0, logits, 0, actionCount);
      if (lstm != null) {
        System.arraycopy(out.get(2).toFloatArray(), 0, hidden, 0, recurrentSize);
        System.arraycopy(out.get(3).toFloatArray(), 0, cell, 0, recurrentSize);
      }
      return out.get(1).getFloat(0, 0);
    }
  }

  private NDArray state(NDManager scope, float[] values, int batch) {
    return lstm == null ? null : scope.create(values, new Shape(batch, recurrentSize));
  }

  /** Keeps the step's inputs; {@link #backward} runs the forward pass again over all of them. */
  @Override
  public float trainingStep(int t, float[] observation, float[] hidden, float[] cell, float[] logits) {
    recorded.record(t, observation, hidden, cell);
    return step(observation, hidden, cell, logits);
  }

  @Override
  public double backward(int steps, float[] logitGradients, float[] valueGradients, List<FloatBuffer> gradients) {
    recorded.requireSteps(steps);
    Torch.useCallingThread();
    try (NDManager scope = manager.newSubManager()) {
      Torch.recordGrad();
      try {
        NDList out = forward(scope.create(Arrays.copyOf(recorded.observations(), steps * observationSize),
                new Shape(steps).addAll(new Shape(observationShape))),
            state(scope, Arrays.copyOf(recorded.hidden(), steps * recurrentSize), steps),
            state(scope, Arrays.copyOf(recorded.cell(), steps * recurrentSize), steps), true);
        NDArray surrogate = out.get(0).mul(scope.create(Arrays.copyOf(logitGradients, steps * actionCount),
                new Shape(steps, actionCount))).sum()
            .add(out.get(1).reshape(-1).mul(scope.create(Arrays.copyOf(valueGradients, steps))).sum());
        Torch.backward(surrogate);
      } finally {
        Torch.noGrad();
      }
      double sumOfSquares = 0;
      for (int i = 0; i < arrays.size(); i++) {
        NDArray gradient = arrays.get(i).getGradient();
        gradient.attach(scope);
        float[] values = gradient.toFloatArray();
        for (float v : values) {
          sumOfSquares += (double) v * v;
        }
        gradients.get(i).put(0, values);
        Torch.zeroGradient(arrays.get(i));
      }
      return sumOfSquares;
    }
  }

  @Override
  public List<ParameterSpec> parameters() {
    return weights.specs();
  }

  @Override
  public long[] observationShape() {
    return observationShape.clone();
  }

  @Override
  public int actionCount() {
    return actionCount;
  }

  @Override
  public int recurrentSize() {
    return recurrentSize;
  }

  @Override
  public Engine engine() {
    return Engine.DJL;
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
  public void close() {
    manager.close();
  }
}
