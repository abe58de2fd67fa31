package a3c.learner;

import a3c.model.ActorCritic;
import java.util.Arrays;
import java.util.Random;

/**
 * A network playing a game: it carries the LSTM state from step to step and picks actions, sampled
 * from the policy while training ({@link #act}) or the most probable one in the test games
 * ({@link #greedyAction}). Training and the test games share it, so that both play with the same
 * state handling.
 *
 * <p>Episodes are the caller's: {@link #resetRecurrentState()} at each start, as the reference zeroes
 * {@code hx} and {@code cx}. Weights are loaded into the model directly. Not thread-safe: one
 * thread plays.
 */
public final class Agent {

  private final ActorCritic model;
  private final Random random;
  private final int observationSize;
  private final float[] hidden;
  private final float[] cell;
  private final float[] bootstrapHidden;
  private final float[] bootstrapCell;
  private final float[] logits;

  /** An agent on {@code model} whose sampled actions follow {@code seed}. */
  public Agent(ActorCritic model, long seed) {
    this.model = model;
    this.random = new Random(seed);
    this.observationSize = Math.toIntExact(Arrays.stream(model.observationShape()).reduce(1, Math::multiplyExact));
    int recurrentSize = model.recurrentSize();
    this.hidden = new float[recurrentSize];
    this.cell = new float[recurrentSize];
    this.bootstrapHidden = new float[recurrentSize];
    this.bootstrapCell = new float[recurrentSize];
    this.logits = new float[model.actionCount()];
  }

  /**
   * Samples an action from softmax(logits) and advances the LSTM state. The step's logits, value and
   * action go into {@code rollout}, whose {@link Rollout#record} then takes the environment's answer;
   * the network keeps what the update needs in the rollout's next slot.
   */
  public int act(float[] observation, Rollout rollout) {
    checkObservation(observation);
    rollout.checkCanBegin();
    float value = model.trainingStep(rollout.size(), observation, hidden, cell, logits);
    int action = Sampling.sample(logits, random);
    rollout.begin(logits, value, action);
    return action;
  }

  /**
   * The critic's value of {@code observation}, the state a rollout stopped in: the return of its last
   * steps bootstraps from it. Computed on a copy of the LSTM state, which acting goes on from.
   */
  public float value(float[] observation) {
    checkObservation(observation);
    System.arraycopy(hidden, 0, bootstrapHidden, 0, hidden.length);
    System.arraycopy(cell, 0, bootstrapCell, 0, cell.length);
    return model.step(observation, bootstrapHidden, bootstrapCell, logits);
  }

  /** The most probable action, for the test games; advances the LSTM state like {@link #act}. */
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

  /**
   * An action sampled from softmax(logits), as in training but outside a rollout, for test games
   * that play the stochastic policy; writes the probabilities into {@code probabilities}.
   */
  public int sampledAction(float[] observation, float[] probabilities) {
    greedyAction(observation, probabilities);
    return Sampling.sample(logits, random);
  }

  /** Starts the LSTM state afresh, for a new episode. */
  public void resetRecurrentState() {
    Arrays.fill(hidden, 0f);
    Arrays.fill(cell, 0f);
  }

  private void checkObservation(float[] observation) {
    if (observation.length != observationSize) {
      throw new IllegalArgumentException("observation has " + observation.length
          + " floats, the model expects " + observationSize + " " + Arrays.toString(model.observationShape()));
    }
  }
}
