package a3c.lifecycle;

import java.util.Optional;

/**
 * Runs an action when the given parent process exits, however it exits (SIGKILL included), so that
 * no child JVM outlives the launcher that started it.
 */
public final class ParentWatch {
  private ParentWatch() {}

  /**
   * Watches {@code parentPid}; runs {@code onParentExit} once it is gone (at once if it already is).
   *
   * @return false when {@code parentPid} is not a running process at the time of the call
   */
  public static boolean watch(long parentPid, Runnable onParentExit) {
    Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
    if (parent.isEmpty() || !parent.get().isAlive()) {
      onParentExit.run();
      return false;
    }
    parent.get().onExit().thenRun(onParentExit);
    return true;
  }
}
