package a3c.ps;

import java.time.Clock;

/** How long the run has trained, restarts included: a resumed server goes on from its checkpoint's count. */
record Uptime(Clock clock, long startMs) {
  static Uptime resumedAfter(Clock clock, double elapsedSeconds) {
    return new Uptime(clock, clock.millis() - (long) (elapsedSeconds * 1000));
  }

  double seconds() {
    return (clock.millis() - startMs) / 1000.0;
  }
}
