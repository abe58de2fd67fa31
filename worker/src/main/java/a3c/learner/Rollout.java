package a3c.learner;

/**
 * One rollout, in the arrays the loss reads: per step the logits and value acting computed, the
 * action, the sign-clipped reward and the done flag. The {@link Agent} writes a step's first half
 * when it acts, the caller its second half once the environment answered; the {@link A3cLearner}
 * reads all of it and clears it. The network keeps each step's own inputs and activations in slot
 * {@link #size()} ({@link a3c.model.ActorCritic#trainingStep}), which is why one model serves one
 * rollout at a time.
 *
 * <p>Reused from rollout to rollout, so that acting allocates nothing. Not thread-safe.
 */
public final class Rollout {

  final int capacity;
  final int actionCount;
  final float[] logits;
  final float[] values;
  final int[] actions;
  final float[] rewards;
  final boolean[] dones;
  private int size;
  private boolean awaitingRecord;

  /** Room for {@code capacity} steps (the reference's {@code --rs}) of a policy over {@code actionCount} actions. */
  public Rollout(int capacity, int actionCount) {
    if (capacity < 1 || actionCount < 1) {
      throw new IllegalArgumentException("a rollout needs room for a step and an action, got " + capacity
          + " steps of " + actionCount + " actions");
    }
    this.capacity = capacity;
    this.actionCount = actionCount;
    logits = new float[capacity * actionCount];
    values = new float[capacity];
    actions = new int[capacity];
    rewards = new float[capacity];
    dones = new boolean[capacity];
  }

  /** The steps recorded so far. */
  public int size() {
    return size;
  }

  public boolean full() {
    return size == capacity;
  }

  /**
   * Records the environment's answer to the action last taken; the reward is sign-clipped here, as
   * in the reference. A done stops the discounted return at this step.
   */
  public void record(float reward, boolean done) {
    if (!awaitingRecord) {
      throw new IllegalStateException("act() before record()");
    }
    rewards[size] = Math.signum(reward);
    dones[size] = done;
    awaitingRecord = false;
    size++;
  }

  /** Refuses a new step while the last one waits for its record, or when there is no room left. */
  void checkCanBegin() {
    if (awaitingRecord) {
      throw new IllegalStateException("record() the previous step before acting again");
    }
    if (full()) {
      throw new IllegalStateException("rollout is full: turn it into gradients first");
    }
  }

  /** Stores what acting computed for the next step, once {@link #checkCanBegin()} passed. */
  void begin(float[] stepLogits, float value, int action) {
    System.arraycopy(stepLogits, 0, logits, size * actionCount, actionCount);
    values[size] = value;
    actions[size] = action;
    awaitingRecord = true;
  }

  /** Refuses to be learnt from while empty or while its last step waits for its record. */
  void checkComplete() {
    if (awaitingRecord || size == 0) {
      throw new IllegalStateException("a rollout needs at least one recorded step, and the last one recorded");
    }
  }

  void clear() {
    size = 0;
  }
}
