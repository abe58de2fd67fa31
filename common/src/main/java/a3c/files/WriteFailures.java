package a3c.files;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Says once that writing something fails, and once that it works again. A full disk fails every
 * write: a line for each (each episode, each second) would bury the log, and fill a disk that
 * still has room for the log.
 */
public final class WriteFailures {
  private final Consumer<String> out;
  private final Set<String> failing = ConcurrentHashMap.newKeySet();

  /** @param out receives the two kinds of line */
  public WriteFailures(Consumer<String> out) {
    this.out = out;
  }

  /** Notes that writing {@code what} failed; says so if it did not fail last time. */
  public void failed(String what, Exception e) {
    if (failing.add(what)) {
      out.accept("cannot write " + what + " (" + rootCause(e) + "); training goes on, and writing is tried again");
    }
  }

  /** Notes that writing {@code what} worked; says so if it failed last time. */
  public void succeeded(String what) {
    if (failing.remove(what)) {
      out.accept(what + " written again");
    }
  }

  private static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
