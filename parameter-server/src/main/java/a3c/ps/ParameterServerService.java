package a3c.ps;

import a3c.files.WriteFailures;
import a3c.input.Quote;
import a3c.input.WorkerIds;
import a3c.optim.OptimizerConfig;
import a3c.proto.DType;
import a3c.proto.EpisodeRecord;
import a3c.proto.GetStatusRequest;
import a3c.proto.GetStatusResponse;
import a3c.proto.InitializeWeightsRequest;
import a3c.proto.InitializeWeightsResponse;
import a3c.proto.LearnerStats;
import a3c.proto.PullWeightsRequest;
import a3c.proto.PullWeightsResponse;
import a3c.proto.PushGradientsRequest;
import a3c.proto.PushGradientsResponse;
import a3c.proto.RegisterRequest;
import a3c.proto.RegisterResponse;
import a3c.proto.ReportEpisodeRequest;
import a3c.proto.ReportEpisodeResponse;
import a3c.proto.StopReason;
import a3c.rpc.ParameterServerGrpc;
import a3c.rpc.WireDtypes;
import a3c.store.Gradients;
import a3c.store.ParameterStore;
import a3c.store.Snapshot;
import a3c.shm.SharedGradients;
import a3c.shm.SharedWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ParameterServer RPCs. Each method validates its request, then either answers at once or
 * hands the work to the {@link ParameterStore}'s applier and answers when it is done. Bad input is
 * rejected before it reaches the model: INVALID_ARGUMENT for malformed values, FAILED_PRECONDITION
 * for calls out of order.
 */
final class ParameterServerService implements ParameterServerGrpc.AsyncService {
  private static final Logger log = LoggerFactory.getLogger(ParameterServerService.class);
  /** Far above any rollout (the reference's is 20 steps), far below what would wrap the global step. */
  static final long MAX_AGENT_STEPS_PER_PUSH = 1 << 20;
  static final long MAX_FRAMES_PER_PUSH = 1 << 24;
  /** Far above any Atari score; keeps the running means exact and finite. */
  static final double MAX_ABS_SCORE = 1e9;
  /** The longest name DNS allows. */
  static final int MAX_HOSTNAME_CHARS = 253;

  private final OptimizerConfig optimizerConfig;
  private final int applierThreads;
  private final String envName;
  private final Clock clock;
  private final WorkerRegistry workers;
  private final ScoreBoard scores;
  private final StopRule stopRule;
  private final long startMs;
  private final AtomicReference<ParameterStore> store = new AtomicReference<>();
  private final AtomicReference<LearnerStats> lastStats = new AtomicReference<>(LearnerStats.getDefaultInstance());
  private final List<PendingPull> pendingPulls = new ArrayList<>();
  private final Path sharedMemoryDir;
  private final Map<String, SharedGradients> gradientFiles = new ConcurrentHashMap<>();
  private final EpisodeLog episodeLog;
  private final TrainingScalars scalars;
  private final LogThrottle unparsable;
  private final WriteFailures writeFailures;

  ParameterServerService(OptimizerConfig optimizerConfig, int applierThreads, String envName, Clock clock, WorkerRegistry workers,
      ScoreBoard scores, StopRule stopRule, ParameterStore restored, double elapsedSeconds, Path sharedMemoryDir,
      EpisodeLog episodeLog, TrainingScalars scalars, WriteFailures writeFailures) {
    this.optimizerConfig = optimizerConfig;
    this.applierThreads = applierThreads;
    this.envName = envName;
    this.clock = clock;
    this.workers = workers;
    this.scores = scores;
    this.stopRule = stopRule;
    this.startMs = clock.millis() - (long) (elapsedSeconds * 1000);
    this.sharedMemoryDir = sharedMemoryDir;
    this.episodeLog = episodeLog;
    this.scalars = scalars;
    this.unparsable = new LogThrottle(clock, Duration.ofMinutes(1));
    this.writeFailures = writeFailures;
    if (restored != null) {
      share(restored);
    }
    this.store.set(restored);
  }

  /** Publishes the store's weights into the shared-memory folder too, when there is one. */
  private void share(ParameterStore target) {
    if (sharedMemoryDir == null) {
      return;
    }
    try {
      target.share(SharedWeights.create(sharedMemoryDir, target.layout().totalSize(), 4)).join();
      log.info("weights shared with workers on this host through {}", sharedMemoryDir.resolve(SharedWeights.FILE_NAME));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create shared weights in " + sharedMemoryDir, e);
    }
  }

  ParameterStore store() {
    return store.get();
  }

  ScoreBoard scores() {
    return scores;
  }

  StopRule stopRule() {
    return stopRule;
  }

  double elapsedSeconds() {
    return (clock.millis() - startMs) / 1000.0;
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
    if (!validWorker(request.getWorkerId(), response)) {
      return;
    }
    // Every check comes before the registry hears of the worker: a refused worker must neither
    // count in the round size nor hold the initialiser's lease.
    if (request.getHostname().length() > MAX_HOSTNAME_CHARS) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("hostname must be at most " + MAX_HOSTNAME_CHARS
          + " chars, got " + Quote.of(request.getHostname())).asRuntimeException());
      return;
    }
    if (!request.getEnvName().isEmpty() && !envName.isEmpty() && !envName.equals(request.getEnvName())) {
      response.onError(Status.FAILED_PRECONDITION.withDescription("worker " + request.getWorkerId() + " plays "
          + Quote.of(request.getEnvName()) + " but this server trains " + envName).asRuntimeException());
      return;
    }
    ParameterStore current = store.get();
    String difference = current == null || request.getModelCount() == 0 ? null
        : current.layout().difference(request.getModelList());
    if (difference != null) {
      response.onError(Status.FAILED_PRECONDITION.withDescription("worker " + request.getWorkerId()
          + " has a different model than this server: " + difference).asRuntimeException());
      return;
    }
    workers.touch(request.getWorkerId(), request.getHostname());
    RegisterResponse.Builder reply = RegisterResponse.newBuilder().setStop(stopFor(request.getWorkerId()));
    if (current != null) {
      Snapshot snapshot = current.snapshot();
      reply.setVersion(snapshot.version()).setGlobalStep(snapshot.globalStep());
    } else {
      reply.setInitialize(workers.claimInitializer(request.getWorkerId()));
    }
    log.info("worker {} registered from {}{}", request.getWorkerId(), request.getHostname(),
        reply.getInitialize() ? "; it uploads the initial weights" : "");
    respond(response, reply.build());
  }

  @Override
  public void initializeWeights(InitializeWeightsRequest request, StreamObserver<InitializeWeightsResponse> response) {
    if (!validWorker(request.getWorkerId(), response)) {
      return;
    }
    List<PendingPull> waiting;
    synchronized (pendingPulls) {
      if (store.get() != null) {
        response.onError(Status.FAILED_PRECONDITION.withDescription("the weights are already initialised").asRuntimeException());
        return;
      }
      if (!request.getWorkerId().equals(workers.initializer())) {
        response.onError(Status.FAILED_PRECONDITION.withDescription("worker " + request.getWorkerId()
            + " was not chosen to initialise the weights (" + (workers.initializer() == null ? "no worker has registered"
            : "worker " + workers.initializer() + " was") + ")").asRuntimeException());
        return;
      }
      try {
        ParameterStore created = ParameterStore.initialize(request.getWeightsList(), optimizerConfig, applierThreads);
        share(created);
        store.set(created);
      } catch (IllegalArgumentException e) {
        response.onError(Status.INVALID_ARGUMENT.withDescription("initial weights rejected: " + e.getMessage()).asRuntimeException());
        return;
      }
      waiting = new ArrayList<>(pendingPulls);
      pendingPulls.clear();
    }
    workers.touch(request.getWorkerId(), null);
    ParameterStore initialized = store.get();
    log.info("weights initialised by worker {}: {} tensors, {} parameters", request.getWorkerId(),
        initialized.layout().size(), initialized.layout().totalSize());
    respond(response, InitializeWeightsResponse.newBuilder().setVersion(0).build());
    waiting.forEach(pull -> respondPull(pull.workerId, pull.dtype, pull.response, initialized));
  }

  @Override
  public void pullWeights(PullWeightsRequest request, StreamObserver<PullWeightsResponse> response) {
    if (!validWorker(request.getWorkerId(), response) || !validDtype(request.getWeightsDtype(), response)) {
      return;
    }
    workers.touch(request.getWorkerId(), null);
    synchronized (pendingPulls) {
      if (store.get() == null) {
        // Wait for the initialiser's upload; the call's deadline bounds the wait.
        PendingPull pending = new PendingPull(request.getWorkerId(), request.getWeightsDtype(), response);
        pendingPulls.add(pending);
        if (response instanceof ServerCallStreamObserver<PullWeightsResponse> call) {
          call.setOnCancelHandler(() -> {
            synchronized (pendingPulls) {
              pendingPulls.remove(pending);
            }
          });
        }
        return;
      }
    }
    ParameterStore current = store.get();
    Snapshot held = current.snapshot();
    if (request.hasHeldVersion() && request.getHeldVersion() == held.version()) {
      // Nothing to copy or send: the caller has these weights.
      respond(response, PullWeightsResponse.newBuilder().setVersion(held.version()).setGlobalStep(held.globalStep())
          .setStop(stopFor(request.getWorkerId())).build());
      return;
    }
    respondPull(request.getWorkerId(), request.getWeightsDtype(), response, current);
  }

  @Override
  public void pushGradients(PushGradientsRequest request, StreamObserver<PushGradientsResponse> response) {
    if (!validWorker(request.getWorkerId(), response) || !validDtype(request.getWeightsDtype(), response)) {
      return;
    }
    // Only an accepted push makes the registry hear of a worker: refused ones from made-up ids
    // would count in the round size and hold a stopping server for its whole linger time.
    ParameterStore current = store.get();
    if (current == null) {
      response.onError(Status.FAILED_PRECONDITION.withDescription(
          "the weights are not initialised yet: Register, then InitializeWeights or PullWeights").asRuntimeException());
      return;
    }
    if (stopRule.stopped()) {
      workers.touch(request.getWorkerId(), null);
      Snapshot snapshot = current.snapshot();
      respond(response, PushGradientsResponse.newBuilder().setVersion(snapshot.version())
          .setGlobalStep(snapshot.globalStep()).setStop(stopFor(request.getWorkerId())).build());
      return;
    }
    // The counters are unsigned on the wire; Java reads them as signed, so a huge value would come
    // out negative and lower the global step.
    long agentSteps = Integer.toUnsignedLong(request.getAgentSteps());
    long frames = Integer.toUnsignedLong(request.getFrames());
    if (agentSteps > MAX_AGENT_STEPS_PER_PUSH || frames > MAX_FRAMES_PER_PUSH) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("a push covers at most " + MAX_AGENT_STEPS_PER_PUSH
          + " agent steps and " + MAX_FRAMES_PER_PUSH + " frames, got " + agentSteps + " and " + frames).asRuntimeException());
      return;
    }
    if (Long.compareUnsigned(request.getBaseVersion(), current.snapshot().version()) > 0) {
      // A server restarted from a checkpoint is behind its workers: they must pull again.
      response.onError(Status.FAILED_PRECONDITION.withDescription("base version " + Long.toUnsignedString(request.getBaseVersion())
          + " is newer than the server's version " + current.snapshot().version() + ": pull the weights again")
          .asRuntimeException());
      return;
    }
    Gradients gradients;
    try {
      // bfloat16 gradients are widened first: the store checks and applies float32 only.
      gradients = request.getGradientsFile().isEmpty()
          ? current.decode(WireDtypes.as(request.getGradientsList(), DType.DTYPE_FLOAT32))
          : decodeShared(request.getGradientsFile(), current);
    } catch (IllegalArgumentException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (IllegalStateException e) {
      response.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    if (request.hasStats()) {
      lastStats.set(request.getStats());
    }
    current.apply(gradients, request.getBaseVersion(), agentSteps, frames, request.getReturnWeights())
        .whenComplete((snapshot, failure) -> {
          if (failure != null) {
            log.error("applying an update failed", failure);
            response.onError(Status.INTERNAL.withDescription("applying the update failed: " + failure).asRuntimeException());
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
              .setGlobalStep(snapshot.globalStep()).setStop(stopFor(request.getWorkerId()));
          if (request.getReturnWeights()) {
            reply.addAllWeights(WireDtypes.as(snapshot.weights(), request.getWeightsDtype()));
          }
          respond(response, reply.build());
        });
  }

  @Override
  public void reportEpisode(ReportEpisodeRequest request, StreamObserver<ReportEpisodeResponse> response) {
    if (!validWorker(request.getWorkerId(), response)) {
      return;
    }
    if (!(Math.abs(request.getScore()) <= MAX_ABS_SCORE)) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("episode score must be finite and within +-"
          + MAX_ABS_SCORE + ", got " + request.getScore()).asRuntimeException());
      return;
    }
    if (request.getLength() < 0) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("episode length " + Long.toUnsignedString(request.getLength())
          + " is out of range").asRuntimeException());
      return;
    }
    workers.touch(request.getWorkerId(), null);
    ParameterStore current = store.get();
    long globalStep = current == null ? 0 : current.snapshot().globalStep();
    if (!stopRule.stopped()) {
      EpisodeRecord episode = EpisodeRecord.newBuilder().setWorkerId(request.getWorkerId()).setScore(request.getScore())
          .setLength(request.getLength()).setGlobalStep(globalStep).setUnixMs(clock.millis()).build();
      synchronized (scores) {
        scores.add(episode, workers.count());
        // The score board has the episode (and checkpoints keep it); a full disk must not stop training.
        if (episodeLog != null) {
          try {
            episodeLog.append(episode, elapsedSeconds(), scores.mean100(), scores.roundMean100());
            writeFailures.succeeded(EpisodeLog.WHAT);
          } catch (RuntimeException e) {
            writeFailures.failed(EpisodeLog.WHAT, e);
          }
        }
        if (scalars != null) {
          scalars.episode(episode, scores.mean100(), scores.roundMean100());
        }
      }
      workers.countEpisode(request.getWorkerId());
      stopRule.checkScores(scores);
    }
    respond(response, ReportEpisodeResponse.newBuilder().setEpisodes(scores.count())
        .setMean100(nanToZero(scores.mean100())).setStop(stopFor(request.getWorkerId())).build());
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

  @Override
  public void getStatus(GetStatusRequest request, StreamObserver<GetStatusResponse> response) {
    respond(response, status());
  }

  GetStatusResponse status() {
    ParameterStore current = store.get();
    GetStatusResponse.Builder status = GetStatusResponse.newBuilder()
        .setInitialized(current != null)
        .setEpisodes(scores.count())
        .setMean100(nanToZero(scores.mean100()))
        .setRoundMean100(nanToZero(scores.roundMean100()))
        .setBestScore(scores.count() == 0 ? 0 : scores.best())
        .setTargetScore(stopRule.targetScore())
        .setStopMeasure(stopRule.measure().flag())
        .setRounds(scores.rounds())
        .setMaxSteps(stopRule.maxSteps())
        .setStop(stopRule.reason())
        .addAllWorkers(workers.status())
        .setUptimeSeconds(elapsedSeconds())
        .setEnvName(envName)
        .setLastStats(lastStats.get());
    if (current != null) {
      Snapshot snapshot = current.snapshot();
      status.setVersion(snapshot.version()).setGlobalStep(snapshot.globalStep()).setUpdates(snapshot.updates())
          .setFrames(snapshot.frames()).setMeanStaleness(current.meanStaleness());
    }
    return status.build();
  }

  private Gradients decodeShared(String name, ParameterStore current) {
    SharedGradients file = sharedGradients(name, current);
    try {
      return current.decodeAll(file.values());
    } catch (IllegalArgumentException | InternalError e) {
      // InternalError: the file shrank between the size check and the read. Either way the mapping
      // is stale: the next push maps the file afresh.
      forget(name, file);
      if (e instanceof IllegalArgumentException refused) {
        throw refused;
      }
      throw new IllegalArgumentException("shared gradients file " + name + " shrank while the server read it");
    }
  }

  private void forget(String name, SharedGradients file) {
    if (gradientFiles.remove(name, file)) {
      try {
        file.close();
      } catch (IOException e) {
        log.debug("closing shared gradients file {}: {}", name, e.getMessage());
      }
    }
  }

  private SharedGradients sharedGradients(String name, ParameterStore current) {
    if (sharedMemoryDir == null) {
      throw new IllegalStateException("this server has no --shared-memory-dir: send the gradients in the request");
    }
    return gradientFiles.computeIfAbsent(name, file -> {
      try {
        return SharedGradients.open(sharedMemoryDir, file, current.layout().totalSize());
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot open shared gradients file " + file + ": " + e.getClass().getSimpleName());
      }
    });
  }

  /** The stop reason for a reply to this worker, noting that the worker has now heard a stop. */
  private StopReason stopFor(String workerId) {
    StopReason reason = stopRule.reason();
    if (reason != StopReason.STOP_REASON_NONE) {
      workers.heardStop(workerId);
    }
    return reason;
  }

  /** Whether every worker seen lately has been told the run stopped, so the server may exit. */
  boolean everyLiveWorkerHeardStop() {
    return workers.everyLiveWorkerHeardStop();
  }

  private void respondPull(String workerId, DType dtype, StreamObserver<PullWeightsResponse> response, ParameterStore current) {
    current.withWeights().whenComplete((snapshot, failure) -> {
      if (failure != null) {
        response.onError(Status.INTERNAL.withDescription("cannot copy the weights: " + failure).asRuntimeException());
        return;
      }
      try {
        respond(response, PullWeightsResponse.newBuilder().setVersion(snapshot.version())
            .setGlobalStep(snapshot.globalStep()).setStop(stopFor(workerId))
            .addAllWeights(WireDtypes.as(snapshot.weights(), dtype)).build());
      } catch (StatusRuntimeException e) {
        log.debug("a waiting pull went away: {}", e.getStatus());
      }
    });
  }

  private static <T> void respond(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }

  private static boolean validWorker(String workerId, StreamObserver<?> response) {
    try {
      WorkerIds.require(workerId);
      return true;
    } catch (IllegalArgumentException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return false;
    }
  }

  private static boolean validDtype(DType dtype, StreamObserver<?> response) {
    if (dtype == DType.UNRECOGNIZED) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("unknown weights_dtype: this server sends float32 or bfloat16")
          .asRuntimeException());
      return false;
    }
    return true;
  }

  private static double nanToZero(double value) {
    return Double.isNaN(value) ? 0 : value;
  }

  private record PendingPull(String workerId, DType dtype, StreamObserver<PullWeightsResponse> response) {}
}
