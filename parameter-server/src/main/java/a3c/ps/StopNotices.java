package a3c.ps;

import a3c.proto.StopReason;

/**
 * Telling the workers that the run stopped: every reply carries the stop reason, and the registry
 * notes who has heard it, so that the server may exit once every worker seen lately has.
 */
final class StopNotices {
  private final StopRule stopRule;
  private final WorkerRegistry workers;

  StopNotices(StopRule stopRule, WorkerRegistry workers) {
    this.stopRule = stopRule;
    this.workers = workers;
  }

  /** The stop reason for a reply to this worker, noting that the worker has now heard a stop. */
  StopReason tell(String workerId) {
    StopReason reason = stopRule.reason();
    if (reason != StopReason.STOP_REASON_NONE) {
      workers.heardStop(workerId);
    }
    return reason;
  }

  /** Whether every worker seen lately has been told the run stopped, so the server may exit. */
  boolean everyLiveWorkerHeard() {
    return workers.everyLiveWorkerHeardStop();
  }
}
