package a3c.worker;

/** Where a worker's time goes, written by its loop thread only; volatile so a benchmark can read it live. */
public final class WorkerTimings {
  volatile long actNanos;
  volatile long envNanos;
  volatile long learnNanos;
  volatile long rpcNanos;
  volatile long steps;
  volatile long frames;

  public long actNanos() {
    return actNanos;
  }

  public long envNanos() {
    return envNanos;
  }

  public long learnNanos() {
    return learnNanos;
  }

  public long rpcNanos() {
    return rpcNanos;
  }

  public long steps() {
    return steps;
  }

  public long frames() {
    return frames;
  }
}
