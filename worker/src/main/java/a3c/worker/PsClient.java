package a3c.worker;

import a3c.net.Channels;
import a3c.proto.DType;
import a3c.proto.GetStatusRequest;
import a3c.proto.InitializeWeightsRequest;
import a3c.proto.PullWeightsRequest;
import a3c.proto.PullWeightsResponse;
import a3c.proto.PushGradientsRequest;
import a3c.proto.PushGradientsResponse;
import a3c.proto.RegisterRequest;
import a3c.proto.RegisterResponse;
import a3c.proto.ReportEpisodeRequest;
import a3c.proto.ReportEpisodeResponse;
import a3c.proto.Tensor;
import a3c.rpc.ParameterServerGrpc;
import a3c.rpc.KeptWeights;
import a3c.rpc.WireDtypes;
import a3c.rpc.ZeroSkipping;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of the ParameterServer service: deadlines on every call, and retries with
 * exponential backoff while the server is unreachable, for as long as configured. Unreachable is
 * a failed connection ({@link Channels#connectionFailed}), and for calls that may be repeated also
 * DEADLINE_EXCEEDED: a call to a host that died can hang until then, when no keepalive (see
 * {@link Channels}) has failed its connection first. Any other error is not retried: it means the request itself is wrong. {@link #stop()} ends
 * the waiting: no call is retried after it.
 */
final class PsClient {
  private static final Logger log = LoggerFactory.getLogger(PsClient.class);
  static final long CALL_DEADLINE_S = 60;
  private static final long PULL_DEADLINE_S = 300;

  private final ParameterServerGrpc.BlockingStub stub;
  private final Duration retryFor;
  /** How tensors travel; the worker itself sees float32 only. */
  private final DType wire;
  private final CountDownLatch stopped = new CountDownLatch(1);
  /** The newest weights the server sent, in a dtype worth counting changes from. */
  private final KeptWeights kept = new KeptWeights(1);
  /** Where the calls run that may wait on the server for long: retries, and calls it may park ({@link Retry#PARKS}). */
  private final Context.CancellableContext waits = Context.current().withCancellation();

  PsClient(Channel channel, Duration retryFor, DType wire) {
    this.stub = ParameterServerGrpc.newBlockingStub(channel);
    this.retryFor = retryFor;
    this.wire = wire;
  }

  RegisterResponse register(RegisterRequest request) {
    return retrying("Register", Retry.IDEMPOTENT,
        () -> stub.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS).register(request));
  }

  void initializeWeights(InitializeWeightsRequest request) {
    retrying("InitializeWeights", Retry.IF_UNAVAILABLE,
        () -> stub.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS).initializeWeights(request));
  }

  /** The newest weights, as float32. */
  PullWeightsResponse pullWeights(String workerId) {
    KeptWeights.Version base = kept.newest();
    PullWeightsRequest.Builder request = PullWeightsRequest.newBuilder().setWorkerId(workerId).setWeightsDtype(wire);
    if (base != null) {
      request.setHeldVersion(base.version()).setHeldStore(base.store());
    }
    PullWeightsResponse reply = retrying("PullWeights", Retry.PARKS,
        () -> stub.withDeadlineAfter(PULL_DEADLINE_S, TimeUnit.SECONDS).pullWeights(request.build()));
    List<Tensor> weights = whole(base, reply.getVersion(), reply.getStore(), reply.hasChangesSince(),
        reply.getChangesSince(), reply.getWeightsList());
    return reply.toBuilder().clearWeights().clearChangesSince().addAllWeights(weights).build();
  }

  /**
   * One attempt only: gradients computed on weights the server may have lost are not worth
   * resending. The reply's weights, when asked for, are float32.
   */
  PushGradientsResponse pushGradients(PushGradientsRequest request) {
    KeptWeights.Version base = request.getReturnWeights() ? kept.newest() : null;
    PushGradientsRequest sent = request;
    if (request.getGradientsCount() > 0) {
      PushGradientsRequest.Builder encoded = request.toBuilder().clearGradients()
          .addAllGradients(ZeroSkipping.encode(request.getGradientsList(), wire)).setWeightsDtype(wire);
      if (base != null) {
        encoded.setHeldVersion(base.version()).setHeldStore(base.store());
      }
      sent = encoded.build();
    }
    PushGradientsResponse reply = stub.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS).pushGradients(sent);
    if (reply.getWeightsCount() == 0) {
      return reply;
    }
    List<Tensor> weights = whole(base, reply.getVersion(), reply.getStore(), reply.hasChangesSince(),
        reply.getChangesSince(), reply.getWeightsList());
    return reply.toBuilder().clearWeights().clearChangesSince().addAllWeights(weights).build();
  }

  /**
   * The reply's weights as float32 (a server whose --wire-dtype is bfloat16 answers in it whatever
   * was asked): as they came, rebuilt from their changes since the version kept, or those of
   * {@code base} when the reply says the worker holds its version already. Weights in a dtype worth
   * counting changes from are kept as the base of the next request.
   */
  private List<Tensor> whole(KeptWeights.Version base, long version, long store, boolean changes, long changesSince,
      List<Tensor> weights) {
    if (weights.isEmpty() && base != null && base.store() == store && base.version() == version) {
      weights = base.weights();
    } else {
      weights = kept.whole(store, changes ? changesSince : null, weights);
      if (weights == null) {
        throw new IllegalStateException("the parameter server sent the weights' changes since version " + changesSince
            + ", which this worker did not say it held");
      }
    }
    kept.keep(version, store, weights);
    return WireDtypes.as(weights, DType.DTYPE_FLOAT32);
  }

  ReportEpisodeResponse reportEpisode(ReportEpisodeRequest request) {
    return retrying("ReportEpisode", Retry.IF_UNAVAILABLE,
        () -> stub.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS).reportEpisode(request));
  }

  /**
   * Waits, with backoff, until the server answers again; throws once the retry budget is spent. It
   * asks for the status: a server restarted without a checkpoint would park a pull until some worker
   * registered again and uploaded weights, which is what the caller is about to do.
   */
  void awaitReachable() {
    retrying("GetStatus", Retry.IDEMPOTENT, () -> stub.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS)
        .getStatus(GetStatusRequest.getDefaultInstance()));
  }

  /**
   * Ends every wait on the server (SIGTERM, SIGINT): the backoff between tries, a retry or a pull in
   * flight; each then throws {@link Stopped}. A first try of any other call finishes as usual, within
   * its deadline, so that a stop during a rollout still reports its episodes and pushes it.
   */
  void stop() {
    stopped.countDown();
    waits.cancel(null);
  }

  /** Whether a failed call means the server cannot be reached (now): gone, restarting, or its host silent. */
  static boolean unreachable(StatusRuntimeException e) {
    return Channels.connectionFailed(e.getStatus()) || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED;
  }

  /** How a call is retried. */
  private enum Retry {
    /** Only when the connection failed: after a deadline the server may have acted on the call already. */
    IF_UNAVAILABLE,
    /** Whenever the server is unreachable: asking twice is harmless. */
    IDEMPOTENT,
    /** As {@link #IDEMPOTENT}; the server may also hold the call open (a pull before the weights exist). */
    PARKS;

    boolean retries(StatusRuntimeException e) {
      return this == IF_UNAVAILABLE ? Channels.connectionFailed(e.getStatus()) : unreachable(e);
    }
  }

  private <T> T retrying(String call, Retry retry, Supplier<T> attempt) {
    long deadline = System.nanoTime() + retryFor.toNanos();
    long backoffMs = 100;
    for (int tries = 0; ; tries++) {
      boolean waiting = retry == Retry.PARKS || tries > 0;
      if (waiting && stopped.getCount() == 0) {
        throw new Stopped(call);
      }
      try {
        return waiting ? inWaits(attempt) : attempt.get();
      } catch (StatusRuntimeException e) {
        if (stopped.getCount() == 0 && (waiting || retry.retries(e))) {
          // Cancelled by stop(), or about to wait for a retry: either way the waiting ends here.
          throw new Stopped(call);
        }
        if (!retry.retries(e) || System.nanoTime() + backoffMs * 1_000_000 > deadline) {
          throw e;
        }
        log.warn("{}: parameter server unreachable ({}); retrying in {} ms", call, e.getStatus().getDescription(), backoffMs);
        try {
          if (stopped.await(backoffMs, TimeUnit.MILLISECONDS)) {
            throw new Stopped(call);
          }
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  }

  private <T> T inWaits(Supplier<T> attempt) {
    Context previous = waits.attach();
    try {
      return attempt.get();
    } finally {
      waits.detach(previous);
    }
  }

  /** A call given up because the worker was asked to stop while it waited on the server. */
  static final class Stopped extends RuntimeException {
    Stopped(String call) {
      super(call + ": stopped while waiting for the parameter server", null, false, false);
    }
  }
}
