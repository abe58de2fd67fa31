package a3c.ps;

import java.time.Clock;
import java.time.Duration;

/**
 * Admits at most one log line per period for an event any client can cause at will, so that a
 * flood of them cannot fill the log; the admitted line says how many were left out before it.
 */
final class LogThrottle {
  private final Clock clock;
  private final long periodMs;
  private long nextMs = Long.MIN_VALUE;
  private long leftOut;

  LogThrottle(Clock clock, Duration period) {
    this.clock = clock;
    this.periodMs = period.toMillis();
  }

  /** For an event now: how many were left out since the last admitted one, or -1 to leave this one out too. */
  synchronized long admit() {
    long now = clock.millis();
    if (now < nextMs) {
      leftOut++;
      return -1;
    }
    nextMs = now + periodMs;
    long count = leftOut;
    leftOut = 0;
    return count;
  }
}
