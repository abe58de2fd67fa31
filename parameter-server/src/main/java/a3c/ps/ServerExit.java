package a3c.ps;

import a3c.proto.StopReason;

/**
 * The parameter server's exit codes. Each says how the run ended, so that whoever started the
 * server (the launcher, a script) knows why from the code alone, without reading the final
 * checkpoint; they are the launcher's codes for the same ends.
 */
public enum ServerExit {
  /** The stop measure reached the target. */
  TARGET_REACHED(0, StopReason.STOP_REASON_TARGET_REACHED),
  /** An error the server did not handle (picocli's code for an exception out of a command). */
  FAILURE(1, StopReason.STOP_REASON_NONE),
  /** Bad flags or an unusable checkpoint: a second start would fail the same way. */
  BAD_USAGE(2, StopReason.STOP_REASON_NONE),
  /** The global step reached {@code --max-steps}. */
  STEP_LIMIT(3, StopReason.STOP_REASON_MAX_STEPS),
  /** Stopped on request: SIGTERM, SIGINT or its parent gone; 128 + SIGINT, as a shell reports Ctrl-C. */
  STOPPED(130, StopReason.STOP_REASON_SHUTDOWN);

  private final int code;
  private final StopReason reason;

  ServerExit(int code, StopReason reason) {
    this.code = code;
    this.reason = reason;
  }

  public int code() {
    return code;
  }

  /** The exit that ends a run stopped for {@code reason}; a failure for none. */
  public static ServerExit of(StopReason reason) {
    for (ServerExit exit : values()) {
      if (exit.reason == reason && reason != StopReason.STOP_REASON_NONE) {
        return exit;
      }
    }
    return FAILURE;
  }

  /** The exit an exit code stands for; any code not listed (a crash, a kill: 128 + the signal) is a failure. */
  public static ServerExit of(int code) {
    for (ServerExit exit : values()) {
      if (exit.code == code) {
        return exit;
      }
    }
    return FAILURE;
  }

  /** Whether the server ended the run (it wrote a final checkpoint first), rather than failing. */
  public boolean endedTheRun() {
    return reason != StopReason.STOP_REASON_NONE;
  }

  /**
   * Whether a supervisor should start the server again: after a failure it resumes from its newest
   * checkpoint; after an end of the run, or bad usage, a restart would only repeat it.
   */
  public boolean worthRestarting() {
    return this == FAILURE;
  }
}
