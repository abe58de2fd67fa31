package a3c.supervise;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Tells a hung child from a busy one. A process stopped by SIGSTOP, or deadlocked, does not exit,
 * so its supervisor never hears of it; instead each child must show a sign of life (a health
 * check answered, a call the server saw) within {@code timeout} of the last, or it is reported hung.
 *
 * <p>A child that is starting (a JVM loading a model and a ROM on a busy machine, or a worker
 * reconnecting to a restarted server) has {@code startup} for its first sign instead. Signs come
 * with their own times (the server's last-seen times are wall-clock), and a sign older than the
 * start counts for nothing.
 */
public final class HangWatchdog {
  private final Clock clock;
  private final Duration timeout;
  private final Duration startup;
  private final Map<String, Long> deadlineMs = new HashMap<>();
  private final Map<String, Long> sinceMs = new HashMap<>();

  public HangWatchdog(Clock clock, Duration timeout, Duration startup) {
    if (timeout.isNegative() || timeout.isZero() || startup.compareTo(timeout) < 0) {
      throw new IllegalArgumentException("need 0 < timeout <= startup, got " + timeout + " and " + startup);
    }
    this.clock = clock;
    this.timeout = timeout;
    this.startup = startup;
  }

  public Duration timeout() {
    return timeout;
  }

  /** Notes that {@code name} is starting (or starting over): it has {@code startup} for its first sign. */
  public synchronized void starting(String name) {
    long now = clock.millis();
    deadlineMs.put(name, now + startup.toMillis());
    sinceMs.put(name, now);
  }

  /** Notes a sign of life of {@code name} at {@code atMs} (epoch ms); one older than the last sign or start changes nothing. */
  public synchronized void alive(String name, long atMs) {
    Long since = sinceMs.get(name);
    if (since != null && atMs <= since) {
      return;
    }
    sinceMs.put(name, atMs);
    deadlineMs.put(name, atMs + timeout.toMillis());
  }

  public void aliveNow(String name) {
    alive(name, clock.millis());
  }

  /** Whether {@code name} missed its deadline; a child never noted is not judged. */
  public synchronized boolean hung(String name) {
    Long deadline = deadlineMs.get(name);
    return deadline != null && clock.millis() > deadline;
  }

  /** How long ago {@code name} last showed life or started, in ms; 0 for a child never noted. */
  public synchronized long silentMs(String name) {
    Long since = sinceMs.get(name);
    return since == null ? 0 : Math.max(0, clock.millis() - since);
  }
}
