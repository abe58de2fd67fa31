package a3c.worker;

import a3c.proto.InitializeWeightsRequest;
import a3c.proto.PullWeightsRequest;
import a3c.proto.PullWeightsResponse;
import a3c.proto.PushGradientsRequest;
import a3c.proto.PushGradientsResponse;
import a3c.proto.RegisterRequest;
import a3c.proto.RegisterResponse;
import a3c.proto.ReportEpisodeRequest;
import a3c.proto.ReportEpisodeResponse;
import a3c.rpc.ParameterServerGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of the ParameterServer service: deadlines on every call, and retries with
 * exponential backoff while the server is unreachable (UNAVAILABLE), for as long as configured.
 * Any other error is not retried: it means the request itself is wrong.
 */
final class PsClient {
  private static final Logger log = LoggerFactory.getLogger(PsClient.class);
  static final long CALL_DEADLINE_S = 60;
  private static final long PULL_DEADLINE_S = 300;

  private final ParameterServerGrpc.BlockingStub stub;
  private final Duration retryFor;

  PsClient(Channel channel, Duration retryFor) {
    this.stub = ParameterServerGrpc.newBlockingStub(channel);
    this.retryFor = retryFor;
  }

  RegisterResponse register(RegisterRequest request) {
    return retrying("Register", () -> stub.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS).register(request));
  }

  void initializeWeights(InitializeWeightsRequest request) {
    retrying("InitializeWeights", () -> stub.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS).initializeWeights(request));
  }

  PullWeightsResponse pullWeights(String workerId) {
    PullWeightsRequest request = PullWeightsRequest.newBuilder().setWorkerId(workerId).build();
    return retrying("PullWeights", () -> stub.withDeadlineAfter(PULL_DEADLINE_S, TimeUnit.SECONDS).pullWeights(request));
  }

  /** One attempt only: gradients computed on weights the server may have lost are not worth resending. */
  PushGradientsResponse pushGradients(PushGradientsRequest request) {
    return stub.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS).pushGradients(request);
  }

  ReportEpisodeResponse reportEpisode(ReportEpisodeRequest request) {
    return retrying("ReportEpisode", () -> stub.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS).reportEpisode(request));
  }

  /** Waits, with backoff, until the server answers again; throws once the retry budget is spent. */
  void awaitReachable(String workerId) {
    retrying("PullWeights", () -> stub.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS)
        .pullWeights(PullWeightsRequest.newBuilder().setWorkerId(workerId).build()));
  }

  static boolean unavailable(StatusRuntimeException e) {
    return e.getStatus().getCode() == Status.Code.UNAVAILABLE;
  }

  private <T> T retrying(String call, Supplier<T> attempt) {
    long deadline = System.nanoTime() + retryFor.toNanos();
    long backoffMs = 100;
    while (true) {
      try {
        return attempt.get();
      } catch (StatusRuntimeException e) {
        if (!unavailable(e) || System.nanoTime() + backoffMs * 1_000_000 > deadline) {
          throw e;
        }
        log.warn("{}: parameter server unreachable ({}); retrying in {} ms", call, e.getStatus().getDescription(), backoffMs);
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  }
}
