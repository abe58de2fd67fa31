package a3c.input;

import java.util.regex.Pattern;

/**
 * What a worker id may be: it names the worker in status replies and in {@code episodes.csv}, and
 * its shared-memory file, so it is limited to characters that are safe in a CSV field and a file name.
 */
public final class WorkerIds {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private WorkerIds() {}

  public static boolean valid(String workerId) {
    return workerId != null && VALID.matcher(workerId).matches();
  }

  /** The id itself, or an exception that says what a worker id may hold. */
  public static String require(String workerId) {
    if (!valid(workerId)) {
      throw new IllegalArgumentException("worker id must be 1..128 letters, digits, '.', '_' or '-', got "
          + (workerId == null ? "none" : Quote.of(workerId)));
    }
    return workerId;
  }
}
