package a3c.ps;

import a3c.files.WriteFailures;
import a3c.proto.DType;
import a3c.proto.LearnerStats;
import a3c.proto.PushGradientsRequest;
import a3c.proto.PushGradientsResponse;
import a3c.store.Gradients;
import a3c.store.ParameterStore;
import a3c.store.Snapshot;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PushGradients: checks a push on the calling gRPC thread (its counts, its base version, and the
 * gradients in the request, or the size of the worker's shared-memory file, whose values the step
 * checks as it reads them), hands it to the store's applier,
 * and answers once the step is applied, with the new weights when the worker asked for them (only
 * their changes when it holds a recent version, {@link ReplyWeights}).
 */
final class GradientPushes {
  private static final Logger log = LoggerFactory.getLogger(GradientPushes.class);
  /** Far above any rollout (the reference's is 20 steps), far below what would wrap the global step. */
  static final long MAX_AGENT_STEPS_PER_PUSH = 1 << 20;
  static final long MAX_FRAMES_PER_PUSH = 1 << 24;

  private final GlobalModel model;
  private final WorkerRegistry workers;
  private final StopRule stopRule;
  private final StopNotices stops;
  private final SharedGradientFiles sharedGradients;
  private final ReplyDtypes replyDtypes;
  private final TrainingScalars scalars;
  private final WriteFailures writeFailures;
  private final Clock clock;
  private final AtomicReference<LearnerStats> lastStats = new AtomicReference<>(LearnerStats.getDefaultInstance());

  /** @param scalars where the TensorBoard scalars go; null for nowhere */
  GradientPushes(GlobalModel model, WorkerRegistry workers, StopRule stopRule, StopNotices stops,
      SharedGradientFiles sharedGradients, ReplyDtypes replyDtypes, TrainingScalars scalars, WriteFailures writeFailures,
      Clock clock) {
    this.model = model;
    this.workers = workers;
    this.stopRule = stopRule;
    this.stops = stops;
    this.sharedGradients = sharedGradients;
    this.replyDtypes = replyDtypes;
    this.scalars = scalars;
    this.writeFailures = writeFailures;
    this.clock = clock;
  }

  /** The learner's statistics from the newest push that carried them. */
  LearnerStats lastStats() {
    return lastStats.get();
  }

  void push(PushGradientsRequest request, StreamObserver<PushGradientsResponse> response) {
    // Only an accepted push makes the registry hear of a worker: refused ones from made-up ids
    // would count in the round size and hold a stopping server for its whole linger time.
    ParameterStore current = model.store();
    if (current == null) {
      Replies.reject(response, Status.FAILED_PRECONDITION,
          "the weights are not initialised yet: Register, then InitializeWeights or PullWeights");
      return;
    }
    if (stopRule.stopped()) {
      workers.touch(request.getWorkerId(), null);
      Snapshot snapshot = current.snapshot();
      Replies.respond(response, PushGradientsResponse.newBuilder().setVersion(snapshot.version()).setStore(current.id())
          .setGlobalStep(snapshot.globalStep()).setStop(stops.tell(request.getWorkerId())).build());
      return;
    }
    // The counters are unsigned on the wire; Java reads them as signed, so a huge value would come
    // out negative and lower the global step.
    long agentSteps = Integer.toUnsignedLong(request.getAgentSteps());
    long frames = Integer.toUnsignedLong(request.getFrames());
    if (agentSteps > MAX_AGENT_STEPS_PER_PUSH || frames > MAX_FRAMES_PER_PUSH) {
      Replies.reject(response, Status.INVALID_ARGUMENT, "a push covers at most " + MAX_AGENT_STEPS_PER_PUSH
          + " agent steps and " + MAX_FRAMES_PER_PUSH + " frames, got " + agentSteps + " and " + frames);
      return;
    }
    long arrived = current.snapshot().version();
    if (Long.compareUnsigned(request.getBaseVersion(), arrived) > 0) {
      // A server restarted from a checkpoint is behind its workers: they must pull again.
      Replies.reject(response, Status.FAILED_PRECONDITION, "base version " + Long.toUnsignedString(request.getBaseVersion())
          + " is newer than the server's version " + arrived + ": pull the weights again");
      return;
    }
    if (request.hasRelayHeldVersion() && Long.compareUnsigned(request.getRelayHeldVersion(), arrived) > 0) {
      // The same restart seen from a worker host: its relay holds the old server's weights. Not
      // INVALID_ARGUMENT, which would end the worker: rejoining makes the relay pull the new ones.
      Replies.reject(response, Status.FAILED_PRECONDITION, "relay_held_version "
          + Long.toUnsignedString(request.getRelayHeldVersion()) + " is newer than the server's version " + arrived
          + ": pull the weights again");
      return;
    }
    DType weightsAs = request.getReturnWeights() ? replyDtypes.forRequest(request.getWeightsDtype()) : null;
    Gradients gradients;
    try {
      gradients = request.getGradientsFile().isEmpty()
          ? current.decode(request.getGradientsList())
          : sharedGradients.decode(request.getGradientsFile(), current);
    } catch (IllegalArgumentException e) {
      Replies.reject(response, Status.INVALID_ARGUMENT, e.getMessage());
      return;
    } catch (IllegalStateException e) {
      Replies.reject(response, Status.FAILED_PRECONDITION, e.getMessage());
      return;
    }
    if (request.hasStats()) {
      lastStats.set(request.getStats());
    }
    // Both versions are at most the one the push arrived at. A relay that went back to an older
    // version (it pulled from a server restarted from a checkpoint) may hold less than a worker's
    // base version: the relay staleness never exceeds the push's whole staleness.
    CompletableFuture<Snapshot> step = request.hasRelayHeldVersion()
        ? current.applyRelayed(gradients, request.getBaseVersion(),
            arrived - Math.max(request.getRelayHeldVersion(), request.getBaseVersion()), agentSteps, frames, weightsAs)
        : current.apply(gradients, request.getBaseVersion(), agentSteps, frames, weightsAs);
    step.whenComplete((snapshot, failure) -> applied(request, response, current, snapshot, failure));
  }

  /** On the applier thread, once the step is applied (or failed): the bookkeeping, then the reply. */
  private void applied(PushGradientsRequest request, StreamObserver<PushGradientsResponse> response,
      ParameterStore store, Snapshot snapshot, Throwable failure) {
    if (failure instanceof IllegalArgumentException refused) {
      // The step refused gradients it read from the worker's shared-memory file.
      Replies.reject(response, Status.INVALID_ARGUMENT, refused.getMessage());
      return;
    }
    if (failure != null) {
      log.error("applying an update failed", failure);
      Replies.reject(response, Status.INTERNAL, "applying the update failed: " + failure);
      return;
    }
    workers.touch(request.getWorkerId(), null);
    workers.countUpdate(request.getWorkerId());
    stopRule.checkSteps(snapshot.globalStep());
    if (scalars != null) {
      try {
        scalars.update(snapshot, request.getStats(), clock.millis());
        writeFailures.succeeded(TrainingScalars.WHAT);
      } catch (RuntimeException e) {
        // The update is applied: the worker must hear so even when the TensorBoard file cannot be written.
        writeFailures.failed(TrainingScalars.WHAT, e);
      }
    }
    PushGradientsResponse.Builder reply = PushGradientsResponse.newBuilder().setVersion(snapshot.version())
        .setStore(store.id()).setGlobalStep(snapshot.globalStep()).setStop(stops.tell(request.getWorkerId()));
    if (request.getReturnWeights()) {
      ReplyWeights weights = ReplyWeights.of(store, snapshot, request.hasHeldVersion(), request.getHeldVersion(),
          request.getHeldStore());
      reply.addAllWeights(weights.weights());
      weights.changesSince().ifPresent(reply::setChangesSince);
    }
    Replies.respond(response, reply.build());
  }
}
