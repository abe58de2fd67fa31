package a3c.launcher;

import a3c.checkpoint.CheckpointException;
import a3c.checkpoint.CheckpointFolder;
import a3c.proto.Checkpoint;
import a3c.proto.GetStatusRequest;
import a3c.proto.GetStatusResponse;
import a3c.proto.StopReason;
import a3c.ps.ParameterServer;
import a3c.rpc.ParameterServerGrpc;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What the parameter server says of the run: its live status, and once it has exited, its final checkpoint's counters. */
final class StatusPoll {
  private StatusPoll() {}

  /** The server's status, or {@code fallback} when it does not answer within 5 s. */
  static GetStatusResponse poll(ParameterServerGrpc.BlockingStub stub, GetStatusResponse fallback) {
    try {
      return stub.withDeadlineAfter(5, TimeUnit.SECONDS).getStatus(GetStatusRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      return fallback;
    }
  }

  /**
   * When the progress line after the one due at {@code due} is due: a period later, or a period
   * from {@code now} when the lines fell behind by more than one (a poll that waited out its
   * deadline while the server was away), so that missed lines are not printed in a burst.
   */
  static long nextProgress(long due, long every, long now) {
    long next = due + every;
    return next <= now ? now + every : next;
  }

  /**
   * The server's final checkpoint as a status, when there is one at least as new as {@code seen};
   * else {@code seen}. For the counters only: the server exits as soon as every worker has heard
   * its stop, often before the next poll, so the last status seen can miss the final updates and
   * episodes. Why the run ended comes from the server's exit code, never from here.
   */
  static GetStatusResponse withFinalCounters(Path checkpointDir, GetStatusResponse seen) {
    if (!Files.isDirectory(checkpointDir)) {
      return seen;
    }
    try {
      Checkpoint last = CheckpointFolder.load(checkpointDir).checkpoint();
      boolean isFinal = last.getStop() != StopReason.STOP_REASON_NONE && last.getVersion() >= seen.getVersion();
      return isFinal ? ParameterServer.status(last) : seen;
    } catch (CheckpointException e) {
      return seen;
    }
  }
}
