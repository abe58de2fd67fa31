package a3c.learner;

import a3c.model.ActorCritic;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Drives one worker's side of A3C: act, record, and turn each rollout into clipped gradients.
 *
 * <p>Acting is the network's plain-Java {@link ActorCritic#trainingStep}, which carries the LSTM
 * state and keeps what the update needs. The update takes the loss's gradient with respect to the
 * logits and values that acting produced ({@link A3cLoss}) and hands it to
 * {@link ActorCritic#backward}, with the stored per-step LSTM states as inputs (no
 * backpropagation through time across steps), as in the reference. Not thread-safe: one worker
 * thread owns it.
 */
public final class A3cLearner {

  private final ActorCritic model;
  private final LearnerConfig config;
  private final Random random;
  private final RolloutBuffer rollout;
  private final int observationSize;
  private final int recurrentSize;
  private final float[] hidden;
  private final float[] cell;
  private final float[] bootstrapHidden;
  private final float[] bootstrapCell;
  private final float[] logits;
  private final float[] logitGradients;
  private final float[] valueGradients;
  private final List<ByteBuffer> ownGradientBuffers = new ArrayList<>();
  private final List<ByteBuffer> gradientBuffers = new ArrayList<>();
  private final List<FloatBuffer> gradientFloats = new ArrayList<>();
  private boolean awaitingRecord;
  private int pendingAction;

  public A3cLearner(ActorCritic model, LearnerConfig config, long seed) {
    this.model = model;
    this.config = config;
    this.random = new Random(seed);
    this.recurrentSize = model.recurrentSize();
    this.observationSize = Math.toIntExact(Arrays.stream(model.observationShape()).reduce(1, Math::multiplyExact));
    this.rollout = new RolloutBuffer(config.rolloutLength(), model.actionCount());
    this.hidden = new float[recurrentSize];
    this.cell = new float[recurrentSize];
    this.bootstrapHidden = new float[recurrentSize];
    this.bootstrapCell = new float[recurrentSize];
    this.logits = new float[model.actionCount()];
    this.logitGradients = new float[config.rolloutLength() * model.actionCount()];
    this.valueGradients = new float[config.rolloutLength()];
    for (var spec : model.parameters()) {
      ownGradientBuffers.add(ByteBuffer.allocateDirect(spec.elementCount() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN));
    }
    exportGradientsInto(null);
  }

  /**
   * Makes finishRollout() write the clipped gradients straight into {@code targets} (direct
   * little-endian buffers, one per parameter in order, e.g. slices of a shared-memory file), or
   * back into the learner's own buffers when null; this spares the caller a copy.
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
    gradientBuffers.clear();
    gradientFloats.clear();
    for (ByteBuffer buffer : buffers) {
      gradientBuffers.add(buffer);
      gradientFloats.add(buffer.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
    }
  }

  /** Samples an action from softmax(logits), keeps the step for the update, advances the LSTM state. */
  public int act(float[] observation) {
    checkObservation(observation);
    if (awaitingRecord) {
      throw new IllegalStateException("record() the previous step before acting again");
    }
    if (rollout.full()) {
      throw new IllegalStateException("rollout is full: call finishRollout() first");
    }
    float value = model.trainingStep(rollout.size(), observation, hidden, cell, logits);
    rollout.begin(logits, value);
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
    A3cLoss.Terms terms = A3cLoss.compute(steps, model.actionCount(), rollout.logits, rollout.values,
        rollout.actions, returns, config.valueLossCoef(), config.entropyCoef(), logitGradients, valueGradients);
    double gradNorm = Math.sqrt(model.backward(steps, logitGradients, valueGradients, gradientFloats));
    float scale = GradientClipping.scale(gradNorm, config.maxGradNorm());
    if (scale < 1f) {
      for (FloatBuffer gradient : gradientFloats) {
        for (int i = 0; i < gradient.capacity(); i++) {
          gradient.put(i, gradient.get(i) * scale);
        }
      }
    }
    rollout.clear();
    return new Gradients(readOnlyViews(), new LearnerStats(
        steps, terms.policyLoss(), terms.valueLoss(), -terms.entropyLoss(), (float) gradNorm));
  }

  /** Fresh views each time, so a caller that moved a position last time reads from the start. */
  private List<ByteBuffer> readOnlyViews() {
    List<ByteBuffer> views = new ArrayList<>(gradientBuffers.size());
    for (ByteBuffer buffer : gradientBuffers) {
      views.add(buffer.asReadOnlyBuffer().clear().order(ByteOrder.LITTLE_ENDIAN));
    }
    return views;
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
    if (observation.length != observationSize) {
      throw new IllegalArgumentException("observation has " + observation.length
          + " floats, the model expects " + observationSize + " " + Arrays.toString(model.observationShape()));
    }
  }
}
