package a3c.ps;

import a3c.proto.DType;
import a3c.proto.PullWeightsRequest;
import a3c.proto.PullWeightsResponse;
import a3c.store.ParameterStore;
import a3c.store.Snapshot;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PullWeights: the newest weights in the dtype the caller names (float32, or bfloat16 for a network
 * link), or only their version when the caller holds them already ({@code held_version}, which a
 * worker host's relay sends), or only their changes since a recent version it holds
 * ({@link ReplyWeights}). Pulls that came before the weights existed are answered here too.
 */
final class WeightPulls {
  private static final Logger log = LoggerFactory.getLogger(WeightPulls.class);

  private final GlobalModel model;
  private final WorkerRegistry workers;
  private final StopNotices stops;
  private final ReplyDtypes replyDtypes;

  WeightPulls(GlobalModel model, WorkerRegistry workers, StopNotices stops, ReplyDtypes replyDtypes) {
    this.model = model;
    this.workers = workers;
    this.stops = stops;
    this.replyDtypes = replyDtypes;
  }

  void pull(PullWeightsRequest request, StreamObserver<PullWeightsResponse> response) {
    DType dtype = replyDtypes.forRequest(request.getWeightsDtype());
    workers.touch(request.getWorkerId(), null);
    ParameterStore current = model.storeOrPark(request.getWorkerId(), dtype, response);
    if (current == null) {
      return;
    }
    Snapshot held = current.snapshot();
    if (request.hasHeldVersion() && request.getHeldVersion() == held.version() && request.getHeldStore() == current.id()) {
      // Nothing to copy or send: the caller has these weights.
      Replies.respond(response, PullWeightsResponse.newBuilder().setVersion(held.version()).setStore(current.id())
          .setGlobalStep(held.globalStep()).setStop(stops.tell(request.getWorkerId())).build());
      return;
    }
    send(request, dtype, response, current);
  }

  /** Answers a pull that waited for the weights to exist. */
  void answer(GlobalModel.PendingPull pull) {
    send(PullWeightsRequest.newBuilder().setWorkerId(pull.workerId()).build(), pull.dtype(), pull.response(), model.store());
  }

  private void send(PullWeightsRequest request, DType dtype, StreamObserver<PullWeightsResponse> response,
      ParameterStore current) {
    current.withWeights(dtype).whenComplete((snapshot, failure) -> {
      if (failure != null) {
        Replies.reject(response, Status.INTERNAL, "cannot copy the weights: " + failure);
        return;
      }
      try {
        ReplyWeights weights = ReplyWeights.of(current, snapshot, request.hasHeldVersion(), request.getHeldVersion(),
            request.getHeldStore());
        PullWeightsResponse.Builder reply = PullWeightsResponse.newBuilder().setVersion(snapshot.version())
            .setStore(current.id()).setGlobalStep(snapshot.globalStep()).setStop(stops.tell(request.getWorkerId()))
            .addAllWeights(weights.weights());
        weights.changesSince().ifPresent(reply::setChangesSince);
        Replies.respond(response, reply.build());
      } catch (StatusRuntimeException e) {
        log.debug("a waiting pull went away: {}", e.getStatus());
      }
    });
  }
}
