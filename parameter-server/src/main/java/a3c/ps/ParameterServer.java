package a3c.ps;

import a3c.checkpoint.CheckpointFolder;
import a3c.files.WriteFailures;
import a3c.net.AuthInterceptor;
import a3c.net.Channels;
import a3c.proto.Checkpoint;
import a3c.proto.GetStatusResponse;
import a3c.proto.StopReason;
import a3c.rpc.ParameterServerGrpc;
import a3c.store.ParameterStore;
import a3c.store.ServerTime;
import a3c.store.StoreState;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running parameter server: the gRPC server (ParameterServer service, health checking, server
 * reflection), its checkpoints ({@link ServerCheckpoints}), and what ends with it: the episode log,
 * TensorBoard's events and the shared-memory files.
 *
 * <p>The server builder comes in through {@link #start(ServerConfig, CheckpointFolder.Loaded, ServerBuilder)}
 * so tests can run the same server in-process or over a real socket.
 */
public final class ParameterServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ParameterServer.class);
  /** A worker silent this long counts as not alive (GetStatus), and need not hear a stop before the server exits. */
  static final Duration LIVENESS = Duration.ofSeconds(30);
  /** A worker silent this long is dropped from the round size and the status list. */
  static final Duration FORGET_AFTER = Duration.ofMinutes(10);

  private final ServerConfig config;
  private final ParameterServerService service;
  private final HealthStatusManager health = new HealthStatusManager();
  private final ServerCheckpoints checkpoints;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private Server server;
  private final EpisodeLog episodeLog;
  private final TrainingScalars scalars;
  private final WriteFailures writeFailures = new WriteFailures(log::warn);

  private ParameterServer(ServerConfig config, CheckpointFolder.Loaded resume, Clock clock) {
    this.config = config;
    ParameterStore restored = null;
    ScoreBoard scores = new ScoreBoard(List.of());
    double elapsed = 0;
    if (resume != null) {
      StoreState state = resume.state();
      restored = ParameterStore.restore(state, config.optimizer(), config.applierThreads());
      scores = new ScoreBoard(resume.checkpoint().getEpisodesList());
      elapsed = resume.checkpoint().getElapsedSeconds();
      log.info("resumed from {}: version {}, global step {}, {} episodes", resume.file(), state.version(),
          state.globalStep(), scores.count());
    }
    StopRule stopRule = new StopRule(config.targetScore(), config.stopMeasure(), config.maxSteps(), this::onStop);
    this.episodeLog = config.episodesCsv() == null ? null : new EpisodeLog(config.episodesCsv());
    try {
      this.scalars = config.tensorboardDir() == null ? null : new TrainingScalars(config.tensorboardDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write TensorBoard events in " + config.tensorboardDir(), e);
    }
    this.service = new ParameterServerService(config.optimizer(), config.applierThreads(), config.envName(), clock,
        new WorkerRegistry(clock, LIVENESS, Duration.ofSeconds(60), FORGET_AFTER), scores, stopRule,
        restored, elapsed, config.sharedMemoryDir(), config.wireDtype(), episodeLog, scalars, writeFailures);
    this.checkpoints = new ServerCheckpoints(config, service, writeFailures);
  }

  /** Starts a server on the address in the config (Netty, with TLS when configured). */
  public static ParameterServer start(ServerConfig config, CheckpointFolder.Loaded resume) throws IOException {
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(config.bind(), config.port()))
        .flowControlWindow(Channels.FLOW_CONTROL_WINDOW)
        // Clients ping a quiet connection every Channels.KEEPALIVE_TIME, parked pulls and idle ones too.
        .permitKeepAliveTime(Channels.PERMIT_KEEPALIVE_TIME.toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveWithoutCalls(true)
        // Handlers never block (a waiting pull parks its observer), so they may run on the event loop.
        .directExecutor();
    if (config.tlsCert() != null) {
      builder.sslContext(GrpcSslContexts.forServer(config.tlsCert().toFile(), config.tlsKey().toFile()).build());
    }
    return start(config, resume, builder);
  }

  /** Starts a server on the given builder (in-process in tests). */
  public static ParameterServer start(ServerConfig config, CheckpointFolder.Loaded resume, ServerBuilder<?> builder)
      throws IOException {
    return start(config, resume, builder, Clock.systemUTC());
  }

  /** Starts a server whose registry, uptime and episode times follow {@code clock} (a test's). */
  static ParameterServer start(ServerConfig config, CheckpointFolder.Loaded resume, ServerBuilder<?> builder, Clock clock)
      throws IOException {
    ParameterServer ps = new ParameterServer(config, resume, clock);
    builder.addService(ps.guarded(ServerInterceptors.intercept(ParameterServerGrpc.bindService(ps.service),
            new DescriptionLimit())))
        .addService(ps.health.getHealthService())
        .addService(ps.guarded(ProtoReflectionServiceV1.newInstance().bindService()))
        .maxInboundMessageSize(config.maxMessageBytes());
    ps.server = builder.build().start();
    ps.health.setStatus("", ServingStatus.SERVING);
    ps.health.setStatus(ParameterServerGrpc.SERVICE_NAME, ServingStatus.SERVING);
    ps.checkpoints.writeEvery(config.checkpointEvery());
    if (ps.service.stopRule().stopped()) {
      ps.stopped.countDown();
    }
    return ps;
  }

  private ServerServiceDefinition guarded(ServerServiceDefinition service) {
    return config.authToken() == null ? service : ServerInterceptors.intercept(service, new AuthInterceptor(config.authToken()));
  }

  /** The port the server listens on (useful with port 0). */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  public GetStatusResponse status() {
    return service.status();
  }

  /** Server time on updates so far (validate, optimizer step, publish); none before the weights exist. */
  public ServerTime serverTime() {
    ParameterStore store = service.store();
    return store == null ? ServerTime.NONE : store.serverTime();
  }

  /** The newest checkpoint this server wrote, or null. */
  public Path lastCheckpoint() {
    return checkpoints.last();
  }

  /** Stops the run as if asked by the user: every reply from now on tells workers to stop. */
  public void requestStop() {
    service.stopRule().stop(StopReason.STOP_REASON_SHUTDOWN);
  }

  /** Waits until the run stops (target, step limit or {@link #requestStop}) and its final checkpoint is written. */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * After the stop, keeps answering until every worker seen lately has been told (each stops at its
   * next call) or {@code linger} has passed; returns whether they all were.
   */
  public boolean awaitWorkersToHearStop(Duration linger) throws InterruptedException {
    long deadline = System.nanoTime() + linger.toNanos();
    while (!service.everyLiveWorkerHeardStop()) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /**
   * What a server holding this checkpoint reports in GetStatus: its counts, episodes, running mean
   * and stop reason. For a client that asks after the server has exited, from its final checkpoint.
   */
  public static GetStatusResponse status(Checkpoint checkpoint) {
    ScoreBoard scores = new ScoreBoard(checkpoint.getEpisodesList());
    boolean any = scores.count() > 0;
    return GetStatusResponse.newBuilder().setInitialized(true).setVersion(checkpoint.getVersion())
        .setGlobalStep(checkpoint.getGlobalStep()).setUpdates(checkpoint.getUpdates()).setFrames(checkpoint.getFrames())
        .setEpisodes(scores.count()).setMean100(any ? scores.mean100() : 0).setBestScore(any ? scores.best() : 0)
        .setRoundMean100(scores.rounds() > 0 ? scores.roundMean100() : 0).setRounds(scores.rounds())
        .setTargetScore(checkpoint.getHyperparameters().getTargetScore())
        .setStopMeasure(checkpoint.getHyperparameters().getStopMeasure().isEmpty() ? StopMeasure.EPISODES.flag()
            : checkpoint.getHyperparameters().getStopMeasure())
        .setStop(checkpoint.getStop()).setEnvName(checkpoint.getHyperparameters().getEnvName())
        .setUptimeSeconds(checkpoint.getElapsedSeconds()).build();
  }

  public StopReason stopReason() {
    return service.stopRule().reason();
  }

  /** Writes a checkpoint now; returns the file, or null when checkpoints are off or there are no weights yet. */
  public Path checkpoint() throws IOException {
    return checkpoints.write();
  }

  @Override
  public void close() throws InterruptedException {
    health.enterTerminalState();
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow();
    }
    checkpoints.close();
    if (episodeLog != null) {
      try {
        episodeLog.close();
      } catch (IOException e) {
        log.warn("closing the episode log failed", e);
      }
    }
    if (scalars != null) {
      try {
        scalars.close();
      } catch (RuntimeException e) {
        log.warn("closing the TensorBoard events failed: {}", e.getMessage());
      }
    }
    deleteSharedMemory();
    ParameterStore store = service.store();
    if (store != null) {
      store.close();
    }
  }

  /**
   * Removes the shared-memory folder's files (they live in RAM under /dev/shm): the server made the
   * folder's weights file and its workers' gradient files, and a worker still mapping one keeps
   * its pages until it unmaps them.
   */
  private void deleteSharedMemory() {
    Path folder = config.sharedMemoryDir();
    if (folder == null || !Files.isDirectory(folder)) {
      return;
    }
    try (var files = Files.list(folder)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(".a3cshm"))::iterator) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(folder);
    } catch (IOException e) {
      log.warn("cannot remove the shared-memory folder {}: {}", folder, e.getMessage());
    }
  }

  private void onStop(StopReason reason) {
    log.info("run stops: {}", reason);
    checkpoints.writeFinal(stopped::countDown);
  }
}
