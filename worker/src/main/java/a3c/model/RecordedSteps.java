package a3c.model;

import java.util.Arrays;

/**
 * The inputs of a rollout's steps, kept by networks whose backward pass runs the forward pass again
 * from them: each step's observation and the LSTM state it started from, back to back, grown on demand.
 */
final class RecordedSteps {
  private final int observationSize;
  private final int stateSize;
  private float[] observations = new float[0];
  private float[] hidden = new float[0];
  private float[] cell = new float[0];
  private int steps;

  RecordedSteps(int observationSize, int stateSize) {
    this.observationSize = observationSize;
    this.stateSize = stateSize;
  }

  /** Keeps step {@code t}'s inputs; slot 0 starts the next rollout. */
  void record(int t, float[] observation, float[] hiddenState, float[] cellState) {
    if (t < 0) {
      throw new IllegalArgumentException("slot " + t + " is negative");
    }
    if (t >= observations.length / observationSize) {
      observations = Arrays.copyOf(observations, (t + 1) * observationSize);
      hidden = Arrays.copyOf(hidden, (t + 1) * stateSize);
      cell = Arrays.copyOf(cell, (t + 1) * stateSize);
    }
    System.arraycopy(observation, 0, observations, t * observationSize, observationSize);
    System.arraycopy(hiddenState, 0, hidden, t * stateSize, stateSize);
    System.arraycopy(cellState, 0, cell, t * stateSize, stateSize);
    steps = t + 1;
  }

  /** @throws IllegalArgumentException unless {@code count} steps, at least one, were recorded since slot 0 */
  void requireSteps(int count) {
    if (count < 1 || count > steps) {
      throw new IllegalArgumentException("backward over " + count + " steps, " + steps + " recorded");
    }
  }

  /** The observations, back to back; rows past the recorded steps are stale. */
  float[] observations() {
    return observations;
  }

  float[] hidden() {
    return hidden;
  }

  float[] cell() {
    return cell;
  }
}
