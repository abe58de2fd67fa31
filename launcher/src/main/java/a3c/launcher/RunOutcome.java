package a3c.launcher;

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

  public int exitCode() {
    return exitCode;
  }

  public String label() {
    return label;
  }
}
