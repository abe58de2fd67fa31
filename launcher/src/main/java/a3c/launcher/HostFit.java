package a3c.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether N local workers fit this machine, said before anything starts: more workers than cores
 * only share them (a warning, and the run goes on), more memory than is available would end in the
 * kernel's out-of-memory killer part way through a run (refused).
 *
 * <p>The sizes are resident memory as measured here (JDK 25, ParallelGC): an Atari worker JVM on
 * the java engine (ALE, the network, a 256-MB heap with a 64-MB young generation, no libtorch)
 * peaked at 261 MiB over a 120-s Pong launch, counted at 320 MiB for headroom (a djl-engine worker,
 * which loads libtorch, needs more); CartPole with 1 and 4 workers held 0.5 and 1.3 GB, about
 * 0.27 GB per worker. The server held about 0.2 GB early in a run; it is counted at 0.7 GB
 * because its heap (up to 2 GB) grows with the decoded pushes in flight and with checkpoints. The
 * point is to refuse a count that cannot fit, not to pack a machine to its last megabyte.
 */
record HostFit(int workers, int cores, long workerBytes, long serverBytes, long availableBytes) {
  static final long ATARI_WORKER_BYTES = 320L << 20;
  static final long CARTPOLE_WORKER_BYTES = 300L << 20;
  static final long SERVER_BYTES = 700L << 20;

  static HostFit of(String envName, int workers, HostResources host) {
    long perWorker = envName.equals("CartPole-v1") ? CARTPOLE_WORKER_BYTES : ATARI_WORKER_BYTES;
    return new HostFit(workers, host.cores(), perWorker, SERVER_BYTES, host.memAvailableBytes());
  }

  long needBytes() {
    return workers * workerBytes + serverBytes;
  }

  /** The lines to print before the start: the memory the run needs, and a warning when workers outnumber cores. */
  List<String> notes() {
    List<String> notes = new ArrayList<>();
    String need = String.format(Locale.ROOT, "memory: %d workers x %s + server %s = %s", workers, gigabytes(workerBytes),
        gigabytes(serverBytes), gigabytes(needBytes()));
    notes.add(need + (availableBytes < 0 ? " (available memory unknown here)"
        : " of " + gigabytes(availableBytes) + " available"));
    if (workers > cores) {
      notes.add(String.format(Locale.ROOT, "warning: %d workers on %d cores: they take turns on the cores, so each "
          + "acts slower and the updates grow staler; the run goes on", workers, cores));
    }
    return notes;
  }

  /** @throws IllegalArgumentException when the run needs more memory than is available */
  void requireMemory() {
    if (availableBytes < 0 || needBytes() <= availableBytes) {
      return;
    }
    long fitting = Math.max(0, (availableBytes - serverBytes) / workerBytes);
    throw new IllegalArgumentException(String.format(Locale.ROOT, "--n-workers %d needs about %s of memory (%d x %s per "
        + "worker + %s for the server) but only %s is available (MemAvailable in /proc/meminfo): run at most %d workers "
        + "here", workers, gigabytes(needBytes()), workers, gigabytes(workerBytes), gigabytes(serverBytes),
        gigabytes(availableBytes), fitting));
  }

  private static String gigabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
  }
}
