package a3c.launcher;

import a3c.ps.ServerExit;

/** How a run ended, and the launcher's exit code for it. */
public enum RunOutcome {
  TARGET_REACHED(0, "target_reached"),
  FAILURE(1, "failure"),
  STEP_LIMIT(3, "step_limit"),
  TIME_LIMIT(4, "time_limit"),
  STOPPED_BY_USER(130, "stopped_by_user");

  private final int exitCode;
  private final String label;

  RunOutcome(int exitCode, String label) {
    this.exitCode = exitCode;
    this.label = label;
  }

  /**
   * The outcome a parameter server's end stands for, from its exit code or, while it lingers after
   * the stop, from the stop its status reports ({@link ServerExit#of(a3c.proto.StopReason)}).
   */
  static RunOutcome of(ServerExit server) {
    return switch (server) {
      case TARGET_REACHED -> TARGET_REACHED;
      case STEP_LIMIT -> STEP_LIMIT;
      case STOPPED -> STOPPED_BY_USER;
      case FAILURE, BAD_USAGE -> FAILURE;
    };
  }

  public int exitCode() {
    return exitCode;
  }

  public String label() {
    return label;
  }
}
