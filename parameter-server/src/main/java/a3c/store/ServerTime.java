package a3c.store;

/**
 * The server's time spent on updates so far (decoding and validating on the gRPC threads, then the
 * applier's wall time for the step and publishing) and the number of updates it covers.
 */
public record ServerTime(long nanos, long updates) {
  public static final ServerTime NONE = new ServerTime(0, 0);

  /** Milliseconds per update between {@code start} and this; 0 if there was none. */
  public double millisPerUpdateSince(ServerTime start) {
    long count = updates - start.updates;
    return count == 0 ? 0 : (nanos - start.nanos) / 1e6 / count;
  }
}
