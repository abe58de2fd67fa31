package a3c.learner;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * One rollout, reused from rollout to rollout: per step the observation, the action, the
 * sign-clipped reward, the done flag and the LSTM state the step started from.
 *
 * <p>Observations live in one direct buffer so that the whole batch can be wrapped as a tensor
 * without copying.
 */
final class RolloutBuffer {

  final int capacity;
  final int observationSize;
  final int recurrentSize;
  final int[] actions;
  final float[] rewards;
  final boolean[] dones;
  final float[] hidden;
  final float[] cell;
  private final ByteBuffer observations;
  private final FloatBuffer observationFloats;
  private int size;

  RolloutBuffer(int capacity, int observationSize, int recurrentSize) {
    this.capacity = capacity;
    this.observationSize = observationSize;
    this.recurrentSize = recurrentSize;
    actions = new int[capacity];
    rewards = new float[capacity];
    dones = new boolean[capacity];
    hidden = new float[capacity * recurrentSize];
    cell = new float[capacity * recurrentSize];
    observations = ByteBuffer.allocateDirect(capacity * observationSize * Float.BYTES).order(ByteOrder.nativeOrder());
    observationFloats = observations.asFloatBuffer();
  }

  int size() {
    return size;
  }

  boolean full() {
    return size == capacity;
  }

  /** Stores the observation and starting LSTM state of the next step. */
  void begin(float[] observation, float[] hiddenState, float[] cellState) {
    observationFloats.put(size * observationSize, observation);
    System.arraycopy(hiddenState, 0, hidden, size * recurrentSize, recurrentSize);
    System.arraycopy(cellState, 0, cell, size * recurrentSize, recurrentSize);
  }

  void end(int action, float clippedReward, boolean done) {
    actions[size] = action;
    rewards[size] = clippedReward;
    dones[size] = done;
    size++;
  }

  /** The first {@code steps} observations back to back, for one batched forward. */
  ByteBuffer observations(int steps) {
    return observations.slice(0, steps * observationSize * Float.BYTES).order(ByteOrder.nativeOrder());
  }

  void clear() {
    size = 0;
  }
}
