package a3c.learner;

/**
 * One rollout, reused from rollout to rollout: per step the logits and value acting computed, the
 * action, the sign-clipped reward and the done flag. The network keeps its own inputs and
 * activations of each step ({@link a3c.model.ActorCritic#trainingStep}).
 */
final class RolloutBuffer {

  final int capacity;
  final int actionCount;
  final float[] logits;
  final float[] values;
  final int[] actions;
  final float[] rewards;
  final boolean[] dones;
  private int size;

  RolloutBuffer(int capacity, int actionCount) {
    this.capacity = capacity;
    this.actionCount = actionCount;
    logits = new float[capacity * actionCount];
    values = new float[capacity];
    actions = new int[capacity];
    rewards = new float[capacity];
    dones = new boolean[capacity];
  }

  int size() {
    return size;
  }

  boolean full() {
    return size == capacity;
  }

  /** Stores the network's outputs for the next step. */
  void begin(float[] stepLogits, float value) {
    System.arraycopy(stepLogits, 0, logits, size * actionCount, actionCount);
    values[size] = value;
  }

  void end(int action, float clippedReward, boolean done) {
    actions[size] = action;
    rewards[size] = clippedReward;
    dones[size] = done;
    size++;
  }

  void clear() {
    size = 0;
  }
}
