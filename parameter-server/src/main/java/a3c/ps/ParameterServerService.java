package a3c.ps;

import a3c.files.WriteFailures;
import a3c.optim.OptimizerConfig;
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
import a3c.rpc.ParameterServerGrpc;
import a3c.store.ParameterStore;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ParameterServer RPCs. Each checks what all calls share (the worker id, the dtype), then hands
 * the call to the part that owns its concept: {@link Registration}, the {@link GlobalModel} and its
 * {@link WeightPulls}, {@link GradientPushes}, {@link EpisodeReports}, {@link ServerStatus}. Each
 * part either answers at once or hands the work to the {@link ParameterStore}'s applier and answers
 * when it is done. Bad input is rejected before it reaches the model: INVALID_ARGUMENT for malformed
 * values, FAILED_PRECONDITION for calls out of order.
 */
final class ParameterServerService implements ParameterServerGrpc.AsyncService {
  private static final Logger log = LoggerFactory.getLogger(ParameterServerService.class);

  private final ScoreBoard scores;
  private final StopRule stopRule;
  private final Uptime uptime;
  private final GlobalModel model;
  private final StopNotices stops;
  private final Registration registration;
  private final WeightPulls pulls;
  private final GradientPushes pushes;
  private final EpisodeReports episodes;
  private final ServerStatus status;
  private final LogThrottle unparsable;

  ParameterServerService(OptimizerConfig optimizerConfig, int applierThreads, String envName, Clock clock, WorkerRegistry workers,
      ScoreBoard scores, StopRule stopRule, ParameterStore restored, double elapsedSeconds, Path sharedMemoryDir,
      DType wireDtype, EpisodeLog episodeLog, TrainingScalars scalars, WriteFailures writeFailures) {
    this.scores = scores;
    this.stopRule = stopRule;
    this.uptime = Uptime.resumedAfter(clock, elapsedSeconds);
    this.model = new GlobalModel(optimizerConfig, applierThreads, sharedMemoryDir, workers, restored);
    this.stops = new StopNotices(stopRule, workers);
    this.registration = new Registration(envName, model, workers, stops);
    ReplyDtypes replyDtypes = new ReplyDtypes(wireDtype);
    this.pulls = new WeightPulls(model, workers, stops, replyDtypes);
    this.pushes = new GradientPushes(model, workers, stopRule, stops, new SharedGradientFiles(sharedMemoryDir), replyDtypes,
        scalars, writeFailures, clock);
    this.episodes = new EpisodeReports(model, workers, scores, stopRule, stops, episodeLog, scalars, writeFailures, clock,
        uptime);
    this.status = new ServerStatus(envName, model, workers, scores, stopRule, pushes::lastStats, uptime);
    this.unparsable = new LogThrottle(clock, Duration.ofMinutes(1));
  }

  ParameterStore store() {
    return model.store();
  }

  ScoreBoard scores() {
    return scores;
  }

  StopRule stopRule() {
    return stopRule;
  }

  double elapsedSeconds() {
    return uptime.seconds();
  }

  GetStatusResponse status() {
    return status.now();
  }

  /** Whether every worker seen lately has been told the run stopped, so the server may exit. */
  boolean everyLiveWorkerHeardStop() {
    return stops.everyLiveWorkerHeard();
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
    if (Replies.validWorker(request.getWorkerId(), response)) {
      registration.register(request, response);
    }
  }

  @Override
  public void initializeWeights(InitializeWeightsRequest request, StreamObserver<InitializeWeightsResponse> response) {
    if (Replies.validWorker(request.getWorkerId(), response)) {
      model.initialize(request, response).forEach(pulls::answer);
    }
  }

  @Override
  public void pullWeights(PullWeightsRequest request, StreamObserver<PullWeightsResponse> response) {
    if (Replies.validWorker(request.getWorkerId(), response) && Replies.validDtype(request.getWeightsDtype(), response)) {
      pulls.pull(request, response);
    }
  }

  @Override
  public void pushGradients(PushGradientsRequest request, StreamObserver<PushGradientsResponse> response) {
    if (Replies.validWorker(request.getWorkerId(), response) && Replies.validDtype(request.getWeightsDtype(), response)) {
      pushes.push(request, response);
    }
  }

  @Override
  public void reportEpisode(ReportEpisodeRequest request, StreamObserver<ReportEpisodeResponse> response) {
    if (Replies.validWorker(request.getWorkerId(), response)) {
      episodes.report(request, response);
    }
  }

  @Override
  public void getStatus(GetStatusRequest request, StreamObserver<GetStatusResponse> response) {
    Replies.respond(response, status.now());
  }

  @Override
  public void refuse(String method, Status refusal, StreamObserver<?> response) {
    long leftOut = unparsable.admit();
    if (leftOut >= 0) {
      log.warn("refused a {} call whose request does not parse: {} {} (at most one such line a minute; {} left out before it)",
          method, refusal.getCode(), refusal.getDescription(), leftOut);
    }
    response.onError(refusal.asRuntimeException());
  }
}
