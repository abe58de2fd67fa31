package a3c.supervise;

import java.time.Duration;

/**
 * How often a child that died is started again: at most {@code maxRestarts} times, waiting
 * {@code initialBackoff}, then twice as long each time it dies again soon, up to {@code maxBackoff}.
 */
public record RestartPolicy(int maxRestarts, Duration initialBackoff, Duration maxBackoff) {
  /**
   * A run at least this long was healthy, and the wait after it starts over from
   * {@code initialBackoff}: backing off is for a child that cannot start, not for one that ran
   * well and was killed.
   */
  public static final Duration HEALTHY_RUN = Duration.ofSeconds(10);

  public RestartPolicy {
    if (maxRestarts < 0) {
      throw new IllegalArgumentException("max restarts must be >= 0, got " + maxRestarts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max, got " + initialBackoff + ", " + maxBackoff);
    }
  }

  /** The wait before a restart after {@code failuresInARow} short runs (1 for a first failure). */
  public Duration backoff(int failuresInARow) {
    Duration wait = initialBackoff;
    for (int i = 1; i < failuresInARow && wait.compareTo(maxBackoff) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }
}
