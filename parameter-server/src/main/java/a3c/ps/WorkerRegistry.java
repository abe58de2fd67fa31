package a3c.ps;

import a3c.proto.WorkerStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workers the server has heard from: when each was last seen, and which one, if any, holds the
 * right to upload the initial weights.
 *
 * <p>Only accepted calls add a worker. One not heard from for {@code forgetAfter} is dropped: it
 * no longer counts in the round size nor shows in the status (its episodes stay in the score
 * history, which checkpoints keep), so ids that came and went cannot pile up.
 */
final class WorkerRegistry {
  private final Clock clock;
  private final Duration liveness;
  private final Duration initializerLease;
  private final Duration forgetAfter;
  private final Map<String, Entry> workers = new ConcurrentHashMap<>();
  private String initializer;
  private long initializerClaimedMs;

  /**
   * @param liveness a worker not heard from for this long is reported as not alive
   * @param initializerLease how long the chosen initialiser has to upload before another may take over
   * @param forgetAfter a worker not heard from for this long is dropped from the registry
   */
  WorkerRegistry(Clock clock, Duration liveness, Duration initializerLease, Duration forgetAfter) {
    if (forgetAfter.compareTo(liveness) < 0) {
      throw new IllegalArgumentException("workers must be forgotten no sooner than they count as not alive");
    }
    this.clock = clock;
    this.liveness = liveness;
    this.initializerLease = initializerLease;
    this.forgetAfter = forgetAfter;
  }

  void touch(String workerId, String hostname) {
    Entry entry = workers.computeIfAbsent(workerId, id -> new Entry(clock.millis()));
    synchronized (entry) {
      entry.lastSeenMs = clock.millis();
      if (hostname != null && !hostname.isEmpty()) {
        entry.hostname = hostname;
      }
    }
  }

  void countUpdate(String workerId) {
    Entry entry = workers.get(workerId);
    if (entry != null) {
      synchronized (entry) {
        entry.updates++;
      }
    }
  }

  void countEpisode(String workerId) {
    Entry entry = workers.get(workerId);
    if (entry != null) {
      synchronized (entry) {
        entry.episodes++;
      }
    }
  }

  /** Notes that a reply told this worker the run has stopped. */
  void heardStop(String workerId) {
    Entry entry = workers.get(workerId);
    if (entry != null) {
      synchronized (entry) {
        entry.heardStop = true;
      }
    }
  }

  /** Whether every worker seen within the liveness window has been told the run stopped. */
  boolean everyLiveWorkerHeardStop() {
    long now = clock.millis();
    for (Entry entry : workers.values()) {
      synchronized (entry) {
        if (!entry.heardStop && now - entry.lastSeenMs <= liveness.toMillis()) {
          return false;
        }
      }
    }
    return true;
  }

  /** The number of workers heard from within {@code forgetAfter}. */
  int count() {
    forgetSilent();
    return workers.size();
  }

  private void forgetSilent() {
    long now = clock.millis();
    workers.values().removeIf(entry -> {
      synchronized (entry) {
        return now - entry.lastSeenMs > forgetAfter.toMillis();
      }
    });
  }

  /** Claims the right to initialise the weights; true for exactly one caller per lease. */
  synchronized boolean claimInitializer(String workerId) {
    long now = clock.millis();
    if (initializer == null || initializer.equals(workerId) || now - initializerClaimedMs > initializerLease.toMillis()) {
      initializer = workerId;
      initializerClaimedMs = now;
      return true;
    }
    return false;
  }

  synchronized String initializer() {
    return initializer;
  }

  List<WorkerStatus> status() {
    forgetSilent();
    long now = clock.millis();
    return workers.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> {
      Entry entry = e.getValue();
      synchronized (entry) {
        return WorkerStatus.newBuilder().setWorkerId(e.getKey()).setHostname(entry.hostname)
            .setLastSeenUnixMs(entry.lastSeenMs).setUpdates(entry.updates).setEpisodes(entry.episodes)
            .setAlive(now - entry.lastSeenMs <= liveness.toMillis()).build();
      }
    }).toList();
  }

  private static final class Entry {
    long lastSeenMs;

    /** Seen on creation, so that a concurrent {@link #forgetSilent} cannot drop it before {@link #touch} sets the time. */
    Entry(long nowMs) {
      lastSeenMs = nowMs;
    }

    String hostname = "";
    long updates;
    long episodes;
    boolean heardStop;
  }
}
