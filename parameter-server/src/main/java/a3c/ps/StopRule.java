package a3c.ps;

import a3c.proto.StopReason;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * When a run ends: the chosen running mean ({@link StopMeasure}) reaches the target, or the global
 * step reaches the step limit, or someone stops the server. The first reason sticks.
 */
final class StopRule {
  /** The reference's targets, plus Gym's reward threshold for CartPole-v1. */
  static final Map<String, Double> DEFAULT_TARGETS = Map.of(
      "PongNoFrameskip-v4", 18.0,
      "BreakoutNoFrameskip-v4", 60.0,
      "CartPole-v1", 475.0);

  private final double targetScore;
  private final StopMeasure measure;
  private final long maxSteps;
  private final AtomicReference<StopReason> reason = new AtomicReference<>(StopReason.STOP_REASON_NONE);
  private final Consumer<StopReason> onStop;

  /**
   * @param targetScore the target for the measure; +infinity for none
   * @param measure which running mean the target is compared with
   * @param maxSteps the global-step limit; 0 for none
   * @param onStop called once, with the reason, when the run stops
   */
  StopRule(double targetScore, StopMeasure measure, long maxSteps, Consumer<StopReason> onStop) {
    this.targetScore = targetScore;
    this.measure = measure;
    this.maxSteps = maxSteps;
    this.onStop = onStop;
  }

  /** The target for an env: the given one, else the default for the env, else none (+infinity). */
  static double targetFor(String envName, Double given) {
    if (given != null) {
      return given;
    }
    return DEFAULT_TARGETS.getOrDefault(envName, Double.POSITIVE_INFINITY);
  }

  double targetScore() {
    return targetScore;
  }

  StopMeasure measure() {
    return measure;
  }

  long maxSteps() {
    return maxSteps;
  }

  StopReason reason() {
    return reason.get();
  }

  boolean stopped() {
    return reason.get() != StopReason.STOP_REASON_NONE;
  }

  void checkScores(ScoreBoard scores) {
    if (scores.reached(measure, targetScore)) {
      stop(StopReason.STOP_REASON_TARGET_REACHED);
    }
  }

  void checkSteps(long globalStep) {
    if (maxSteps > 0 && globalStep >= maxSteps) {
      stop(StopReason.STOP_REASON_MAX_STEPS);
    }
  }

  void stop(StopReason why) {
    if (reason.compareAndSet(StopReason.STOP_REASON_NONE, why)) {
      onStop.accept(why);
    }
  }
}
