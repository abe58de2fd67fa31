package a3c.supervise;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Tells a hung child from a busy one. A process stopped by SIGSTOP, or deadlocked, does not exit,
 * so its supervisor never hears of it; instead each child must show a sign of life (a health
 * check answered, a call the server saw) within {@code timeout}, or it is reported hung.
 *
 * <p>Signs come with their own times (the server's last-seen times are wall-clock), and a child is
 * timed from its start too, so one that has not had the chance to show a sign is not reported.
 */
public final class HangWatchdog {
  private final Clock clock;
  private final Duration timeout;
  private final Map<String, Long> lastSignMs = new HashMap<>();

  public HangWatchdog(Clock clock, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the hang timeout must be positive, got " + timeout);
    }
    this.clock = clock;
    this.timeout = timeout;
  }

  public Duration timeout() {
    return timeout;
  }

  /** Notes a sign of life of {@code name} at {@code atMs} (epoch ms); a sign older than one already noted changes nothing. */
  public synchronized void alive(String name, long atMs) {
    lastSignMs.merge(name, atMs, Math::max);
  }

  /** Notes a sign of life now: the child (re)started, or what its signs travel through came back. */
  public void aliveNow(String name) {
    alive(name, clock.millis());
  }

  /**
   * Whether {@code name} has shown no sign of life for longer than the timeout. A child never
   * noted is not hung: it is timed from its first note.
   */
  public synchronized boolean hung(String name) {
    Long last = lastSignMs.get(name);
    return last != null && clock.millis() - last > timeout.toMillis();
  }

  /** How long {@code name} has been silent, in ms; 0 for a child never noted. */
  public synchronized long silentMs(String name) {
    Long last = lastSignMs.get(name);
    return last == null ? 0 : Math.max(0, clock.millis() - last);
  }
}
