package a3c.learner;

import a3c.model.ActorCritic;
import a3c.model.Torch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Drives one worker's side of A3C: act, record, and turn each rollout into clipped gradients.
 *
 * <p>Acting is the network's plain-Java {@link ActorCritic#step}, which carries the LSTM state;
 * the update is one batched forward through libtorch over the stored observations with the stored
 * per-step LSTM states as inputs (no backpropagation through time across steps), as in the
 * reference. Not thread-safe: one worker thread owns it, and libtorch's grad mode is per thread.
 */
public final class A3cLearner implements AutoCloseable {

  private static final NDIndex ALL = new NDIndex(":");

  private final ActorCritic model;
  private final LearnerConfig config;
  private final Random random;
  private final NDManager manager;
  private final RolloutBuffer rollout;
  private final int recurrentSize;
  private final Shape stepShape;
  private final float[] hidden;
  private final float[] cell;
  private final float[] bootstrapHidden;
  private final float[] bootstrapCell;
  private final float[] logits;
  private final List<ByteBuffer> ownGradientBuffers = new ArrayList<>();
  private final List<NDArray> gradientArrays = new ArrayList<>();
  private final List<ByteBuffer> gradientBuffers = new ArrayList<>();
  private boolean awaitingRecord;
  private int pendingAction;

  public A3cLearner(ActorCritic model, LearnerConfig config, long seed) {
    this.model = model;
    this.config = config;
    this.random = new Random(seed);
    this.manager = model.manager().newSubManager();
    this.recurrentSize = model.recurrentSize();
    this.stepShape = new Shape(1).addAll(new Shape(model.observationShape()));
    int observationSize = Math.toIntExact(stepShape.size());
    this.rollout = new RolloutBuffer(config.rolloutLength(), observationSize, recurrentSize);
    this.hidden = new float[recurrentSize];
    this.cell = new float[recurrentSize];
    this.bootstrapHidden = new float[recurrentSize];
    this.bootstrapCell = new float[recurrentSize];
    this.logits = new float[model.actionCount()];
    for (var spec : model.parameters()) {
      ownGradientBuffers.add(ByteBuffer.allocateDirect(spec.elementCount() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN));
    }
    exportGradientsInto(null);
  }

  /**
   * Makes finishRollout() write the clipped gradients straight into {@code targets} (direct
   * little-endian buffers, one per parameter in order, e.g. slices of a shared-memory file), or
   * back into the learner's own buffers when null. Gradients are copied into tensors over these
   * buffers, which is cheaper than {@code toByteBuffer()} and spares the caller another copy.
   */
  public void exportGradientsInto(List<ByteBuffer> targets) {
    List<ByteBuffer> buffers = targets == null ? ownGradientBuffers : targets;
    var specs = model.parameters();
    if (buffers.size() != specs.size()) {
      throw new IllegalArgumentException("expected " + specs.size() + " gradient buffers, got " + buffers.size());
    }
    for (int i = 0; i < specs.size(); i++) {
      ByteBuffer buffer = buffers.get(i);
      if (!buffer.isDirect() || buffer.order() != ByteOrder.LITTLE_ENDIAN
          || buffer.capacity() != specs.get(i).elementCount() * Float.BYTES) {
        throw new IllegalArgumentException(specs.get(i).name() + ": the gradient buffer must be direct, little-endian and hold "
            + specs.get(i).elementCount() * Float.BYTES + " bytes");
      }
    }
    gradientArrays.forEach(NDArray::close);
    gradientArrays.clear();
    gradientBuffers.clear();
    for (int i = 0; i < specs.size(); i++) {
      gradientArrays.add(manager.create(buffers.get(i).duplicate().clear().order(ByteOrder.LITTLE_ENDIAN),
          new Shape(specs.get(i).shape()), DataType.FLOAT32));
      gradientBuffers.add(buffers.get(i));
    }
  }

  /** Samples an action from softmax(logits), stores the step's inputs, advances the LSTM state. */
  public int act(float[] observation) {
    checkObservation(observation);
    if (awaitingRecord) {
      throw new IllegalStateException("record() the previous step before acting again");
    }
    if (rollout.full()) {
      throw new IllegalStateException("rollout is full: call finishRollout() first");
    }
    rollout.begin(observation, hidden, cell);
    model.step(observation, hidden, cell, logits);
    int action = Sampling.sample(logits, random);
    awaitingRecord = true;
    pendingAction = action;
    return action;
  }

  /** Records the environment's answer to the last action; the reward is sign-clipped here. */
  public void record(float reward, boolean done) {
    if (!awaitingRecord) {
      throw new IllegalStateException("act() before record()");
    }
    rollout.end(pendingAction, Math.signum(reward), done);
    awaitingRecord = false;
    if (done) {
      resetRecurrentState();
    }
  }

  public boolean rolloutFull() {
    return rollout.full();
  }

  /**
   * Bootstraps from {@code nextObservation}, computes the loss and its clipped gradients, and
   * clears the rollout. The returned buffers are reused by the next call.
   */
  public Gradients finishRollout(float[] nextObservation) {
    checkObservation(nextObservation);
    if (awaitingRecord || rollout.size() == 0) {
      throw new IllegalStateException("finishRollout() needs at least one recorded step");
    }
    int steps = rollout.size();
    float bootstrap = bootstrapValue(nextObservation);
    float[] returns = Returns.discounted(Arrays.copyOf(rollout.rewards, steps),
        Arrays.copyOf(rollout.dones, steps), bootstrap, config.gamma());
    A3cLoss.Terms terms;
    try (NDManager scope = manager.newSubManager()) {
      Torch.recordGrad();
      try {
        terms = loss(scope, steps, returns);
        Torch.backward(terms.total());
      } finally {
        Torch.noGrad();
      }
      float gradNorm = exportClippedGradients(scope);
      rollout.clear();
      return new Gradients(readOnlyViews(), new LearnerStats(
          steps, terms.policyLoss(), terms.valueLoss(), -terms.entropyLoss(), gradNorm));
    }
  }

  /** Fresh views each time, so a caller that moved a position last time reads from the start. */
  private List<ByteBuffer> readOnlyViews() {
    List<ByteBuffer> views = new ArrayList<>(gradientBuffers.size());
    for (ByteBuffer buffer : gradientBuffers) {
      views.add(buffer.asReadOnlyBuffer().clear().order(ByteOrder.LITTLE_ENDIAN));
    }
    return views;
  }

  private A3cLoss.Terms loss(NDManager scope, int steps, float[] returns) {
    NDArray observations = scope.create(rollout.observations(steps),
        new Shape(steps).addAll(stepShape.slice(1)), DataType.FLOAT32);
    NDArray hiddenStates = null;
    NDArray cellStates = null;
    if (recurrentSize > 0) {
      Shape stateShape = new Shape(steps, recurrentSize);
      hiddenStates = scope.create(Arrays.copyOf(rollout.hidden, steps * recurrentSize), stateShape);
      cellStates = scope.create(Arrays.copyOf(rollout.cell, steps * recurrentSize), stateShape);
    }
    ActorCritic.Output output = model.forward(observations, hiddenStates, cellStates);
    int actionCount = model.actionCount();
    float[] oneHot = new float[steps * actionCount];
    for (int t = 0; t < steps; t++) {
      oneHot[t * actionCount + rollout.actions[t]] = 1f;
    }
    return A3cLoss.compute(output.logits(), output.values(),
        scope.create(oneHot, new Shape(steps, actionCount)), scope.create(returns),
        config.valueLossCoef(), config.entropyCoef());
  }

  /** Clips by the global norm and copies the gradients out; returns the norm before clipping. */
  private float exportClippedGradients(NDManager scope) {
    List<NDArray> parameters = model.parameterArrays();
    List<NDArray> gradients = new ArrayList<>(parameters.size());
    double sumOfSquares = 0;
    for (NDArray parameter : parameters) {
      NDArray gradient = parameter.getGradient();
      gradient.attach(scope);
      gradients.add(gradient);
      float norm = gradient.norm().getFloat();
      sumOfSquares += (double) norm * norm;
    }
    double totalNorm = Math.sqrt(sumOfSquares);
    float scale = GradientClipping.scale(totalNorm, config.maxGradNorm());
    for (int i = 0; i < parameters.size(); i++) {
      NDArray gradient = gradients.get(i);
      if (scale < 1f) {
        gradient.muli(scale);
      }
      gradientArrays.get(i).set(ALL, gradient);
      Torch.zeroGradient(parameters.get(i));
    }
    return (float) totalNorm;
  }

  /** The value of the state after the rollout, from a copy of the LSTM state: acting goes on from the state itself. */
  private float bootstrapValue(float[] observation) {
    System.arraycopy(hidden, 0, bootstrapHidden, 0, recurrentSize);
    System.arraycopy(cell, 0, bootstrapCell, 0, recurrentSize);
    return model.step(observation, bootstrapHidden, bootstrapCell, logits);
  }

  /** The most probable action, for evaluation episodes; advances the LSTM state like act(). */
  public int greedyAction(float[] observation) {
    return greedyAction(observation, null);
  }

  /** As {@link #greedyAction(float[])}, and writes softmax(logits) into {@code probabilities} unless it is null. */
  public int greedyAction(float[] observation, float[] probabilities) {
    checkObservation(observation);
    if (probabilities != null && probabilities.length != model.actionCount()) {
      throw new IllegalArgumentException("probabilities has " + probabilities.length + " slots for "
          + model.actionCount() + " actions");
    }
    model.step(observation, hidden, cell, logits);
    if (probabilities != null) {
      Sampling.softmax(logits, probabilities);
    }
    return Sampling.argmax(logits);
  }

  /** Starts the LSTM state afresh, as at the start of an episode. */
  public void resetRecurrentState() {
    Arrays.fill(hidden, 0f);
    Arrays.fill(cell, 0f);
  }

  public void loadWeights(List<ByteBuffer> weights) {
    model.loadWeights(weights);
  }

  private void checkObservation(float[] observation) {
    if (observation.length != rollout.observationSize) {
      throw new IllegalArgumentException("observation has " + observation.length
          + " floats, the model expects " + rollout.observationSize + " " + stepShape.slice(1));
    }
  }

  /** Closes the learner's buffers; the model stays open and belongs to the caller. */
  @Override
  public void close() {
    manager.close();
  }
}
