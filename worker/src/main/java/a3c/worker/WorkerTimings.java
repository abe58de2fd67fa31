package a3c.worker;

/** Where a worker's time goes, accumulated by its loop thread; read by the benchmark after the run. */
public final class WorkerTimings {
  long actNanos;
  long envNanos;
  long learnNanos;
  long rpcNanos;
  long steps;
  long frames;
  long updates;

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

  public long updates() {
    return updates;
  }
}
