package a3c.relay;

import a3c.input.WorkerIds;
import a3c.net.Channels;
import a3c.proto.DType;
import a3c.proto.GetStatusRequest;
import a3c.proto.GetStatusResponse;
import a3c.proto.InitializeWeightsRequest;
import a3c.proto.InitializeWeightsResponse;
import a3c.proto.PullWeightsRequest;
import a3c.proto.PullWeightsResponse;
import a3c.proto.PushGradientsRequest;
import a3c.proto.PushGradientsResponse;
import a3c.proto.RegisterRequest;
import a3c.proto.RegisterResponse;
import a3c.proto.ReportEpisodeRequest;
import a3c.proto.ReportEpisodeResponse;
import a3c.proto.Tensor;
import a3c.rpc.KeptWeights;
import a3c.rpc.ParameterServerGrpc;
import a3c.rpc.WireDtypes;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The ParameterServer service as the workers of one host see it, in front of the real server.
 * Calls pass through unchanged (worker ids, episodes, statuses, and the server's errors, so a
 * worker retries and rejoins exactly as against the server), except the tensors: a push's
 * gradients are read from the worker's shared-memory file, checked, and sent on with the newest
 * version the host holds (the server reports how far that was behind, the relay's share of the
 * staleness); the weights come back once per version, as their changes since the newest version
 * the host holds, and go into the host's shared-memory weights file, which every worker of the
 * host reads. A pull asks the server only for a version the host does not hold.
 */
final class RelayService implements ParameterServerGrpc.AsyncService {
  static final long CALL_DEADLINE_S = 60;
  private static final long PULL_DEADLINE_S = 300;

  private final ParameterServerGrpc.BlockingStub server;
  private final HeldWeights weights;
  private final GradientsCheck check;
  /** How tensors travel between this relay and the server. */
  private final DType wire;
  /** One pull at a time goes to the server: the others then find its version held. */
  private final Object pulling = new Object();

  RelayService(Channel server, HeldWeights weights, GradientsCheck check, DType wire) {
    this.server = ParameterServerGrpc.newBlockingStub(server);
    this.weights = weights;
    this.check = check;
    this.wire = wire;
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
    forward(response, () -> server.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS).register(request));
  }

  @Override
  public void initializeWeights(InitializeWeightsRequest request, StreamObserver<InitializeWeightsResponse> response) {
    forward(response, () -> {
      InitializeWeightsResponse reply = server.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS).initializeWeights(request);
      // A server started afresh begins again at version 0 with these weights: what the host held
      // under that number came from the server before. Which store counts them is not said (0).
      weights.offer(reply.getVersion(), 0, null, request.getWeightsList(), true);
      return reply;
    });
  }

  @Override
  public void pullWeights(PullWeightsRequest request, StreamObserver<PullWeightsResponse> response) {
    forward(response, () -> {
      PullWeightsResponse reply;
      HeldWeights.Held held;
      synchronized (pulling) {
        PullWeightsRequest.Builder upstream = holding(request.toBuilder().clearHeldVersion().clearHeldStore()
            .setWeightsDtype(wire), weights.base());
        reply = server.withDeadlineAfter(PULL_DEADLINE_S, TimeUnit.SECONDS).pullWeights(upstream.build());
        // The server's answer is the truth, even a version older than held: it restarted from a checkpoint.
        if (!weights.offer(reply.getVersion(), reply.getStore(), changesSince(reply.hasChangesSince(), reply.getChangesSince()),
            reply.getWeightsList(), true) && reply.hasChangesSince()) {
          // Changes since a version let go meanwhile, as other workers' replies came in: the whole weights, then.
          reply = server.withDeadlineAfter(PULL_DEADLINE_S, TimeUnit.SECONDS)
              .pullWeights(upstream.clearHeldVersion().clearHeldStore().build());
          weights.offer(reply.getVersion(), reply.getStore(), null, reply.getWeightsList(), true);
        }
        held = weights.current();
      }
      if (held == null || held.version() != reply.getVersion()) {
        throw Status.INTERNAL.withDescription("the parameter server answered version " + reply.getVersion()
            + " without its weights").asRuntimeException();
      }
      return reply.toBuilder().clearWeights().clearChangesSince()
          .addAllWeights(WireDtypes.as(held.weights(), request.getWeightsDtype())).build();
    });
  }

  @Override
  public void pushGradients(PushGradientsRequest request, StreamObserver<PushGradientsResponse> response) {
    if (!WorkerIds.valid(request.getWorkerId())) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(
          "worker id must be 1..128 letters, digits, '.', '_' or '-', got '" + request.getWorkerId() + "'").asRuntimeException());
      return;
    }
    HeldWeights.Held held = weights.current();
    if (held == null) {
      response.onError(Status.FAILED_PRECONDITION.withDescription(
          "this host's relay holds no weights yet: Register, then PullWeights").asRuntimeException());
      return;
    }
    List<Tensor> gradients;
    try {
      gradients = request.getGradientsFile().isEmpty()
          ? check.listed(request.getGradientsList(), held.layout(), wire)
          : check.fromFile(request.getGradientsFile(), held.layout(), wire);
    } catch (IllegalArgumentException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    PushGradientsRequest.Builder upstream = request.toBuilder().clearGradientsFile().clearGradients()
        .addAllGradients(gradients).setReturnWeights(true).setWeightsDtype(wire);
    forward(response, () -> {
      // Read as the push leaves, not as it came in: a version another worker's reply brought
      // meanwhile was on this host before the push went, so the relay did not lack it.
      upstream.setRelayHeldVersion(weights.current().version()).clearHeldVersion().clearHeldStore();
      KeptWeights.Version base = weights.base();
      if (base != null) {
        upstream.setHeldVersion(base.version()).setHeldStore(base.store());
      }
      PushGradientsResponse reply = server.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS)
          .pushGradients(upstream.build());
      weights.offer(reply.getVersion(), reply.getStore(), changesSince(reply.hasChangesSince(), reply.getChangesSince()),
          reply.getWeightsList(), false);
      PushGradientsResponse.Builder answer = reply.toBuilder().clearWeights().clearChangesSince();
      if (request.getReturnWeights()) {
        HeldWeights.Held newest = weights.current();
        answer.setVersion(newest.version()).addAllWeights(WireDtypes.as(newest.weights(), request.getWeightsDtype()));
      }
      return answer.build();
    });
  }

  @Override
  public void reportEpisode(ReportEpisodeRequest request, StreamObserver<ReportEpisodeResponse> response) {
    forward(response, () -> server.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS).reportEpisode(request));
  }

  @Override
  public void getStatus(GetStatusRequest request, StreamObserver<GetStatusResponse> response) {
    forward(response, () -> server.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS).getStatus(request));
  }

  /** A pull that names {@code base}, the newest version the server sent, so that the reply may carry only changes since it. */
  private static PullWeightsRequest.Builder holding(PullWeightsRequest.Builder request, KeptWeights.Version base) {
    return base == null ? request : request.setHeldVersion(base.version()).setHeldStore(base.store());
  }

  private static Long changesSince(boolean present, long version) {
    return present ? version : null;
  }

  /**
   * Answers with the call's result, or with the server's own status when it failed; a failed
   * connection as UNAVAILABLE, which workers retry (its cause, which tells it apart, stays here).
   */
  static <T> void forward(StreamObserver<T> response, Supplier<T> call) {
    T reply;
    try {
      reply = call.get();
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      response.onError((Channels.connectionFailed(status) && status.getCode() != Status.Code.UNAVAILABLE
          ? Status.UNAVAILABLE.withDescription("connection to the parameter server failed: " + status.getDescription())
          : status).asRuntimeException());
      return;
    } catch (IllegalArgumentException e) {
      response.onError(Status.INTERNAL.withDescription("the parameter server sent malformed weights: " + e.getMessage())
          .asRuntimeException());
      return;
    }
    response.onNext(reply);
    response.onCompleted();
  }
}
