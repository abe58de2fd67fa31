package a3c.supervise;

import java.time.Duration;

/**
 * How often a child that died is started again: at most {@code maxRestarts} times, waiting
 * {@code initialBackoff}, then twice as long each time, up to {@code maxBackoff}.
 */
public record RestartPolicy(int maxRestarts, Duration initialBackoff, Duration maxBackoff) {
  public RestartPolicy {
    if (maxRestarts < 0) {
      throw new IllegalArgumentException("max restarts must be >= 0, got " + maxRestarts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max, got " + initialBackoff + ", " + maxBackoff);
    }
  }

  /** The wait before restart number {@code restart} (1 for the first). */
  public Duration backoff(int restart) {
    Duration wait = initialBackoff;
    for (int i = 1; i < restart && wait.compareTo(maxBackoff) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }
}
