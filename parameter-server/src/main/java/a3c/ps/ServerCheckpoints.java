package a3c.ps;

import a3c.checkpoint.CheckpointFolder;
import a3c.checkpoint.Checkpoints;
import a3c.files.WriteFailures;
import a3c.optim.OptimizerConfig;
import a3c.proto.Checkpoint;
import a3c.proto.Hyperparameters;
import a3c.store.ParameterStore;
import a3c.store.StoreState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's checkpoints: every {@code --checkpoint-every}, on demand, and the final one when the
 * run stops, each the whole state between two updates with the hyperparameters, the episodes and
 * the stop reason. They are written on a thread of their own, which waits for the applier.
 */
final class ServerCheckpoints {
  private static final Logger log = LoggerFactory.getLogger(ServerCheckpoints.class);
  private static final String WHAT = "checkpoints";

  private final ServerConfig config;
  private final ParameterServerService service;
  /** Null when checkpoints are off. */
  private final CheckpointFolder folder;
  private final WriteFailures writeFailures;
  private final ScheduledExecutorService thread;
  private volatile Path last;

  ServerCheckpoints(ServerConfig config, ParameterServerService service, WriteFailures writeFailures) {
    this.config = config;
    this.service = service;
    this.folder = config.checkpointDir() == null ? null : new CheckpointFolder(config.checkpointDir(), config.keepCheckpoints());
    this.writeFailures = writeFailures;
    this.thread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("ps-checkpoints").daemon().factory());
  }

  /** Writes one every {@code every} from now on, until the run stops; none when checkpoints are off. */
  void writeEvery(Duration every) {
    if (folder != null) {
      thread.scheduleWithFixedDelay(this::periodic, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** The newest checkpoint written, or null. */
  Path last() {
    return last;
  }

  /** Writes a checkpoint now; returns the file, or null when checkpoints are off or there are no weights yet. */
  synchronized Path write() throws IOException {
    ParameterStore store = service.store();
    if (folder == null || store == null) {
      return null;
    }
    StoreState state = store.capture().join();
    Checkpoint checkpoint = Checkpoints.fromStore(state)
        .setHyperparameters(hyperparameters())
        .addAllEpisodes(service.scores().history())
        .setStop(service.stopRule().reason())
        .setElapsedSeconds(service.elapsedSeconds())
        .build();
    Path file = folder.save(checkpoint);
    last = file;
    log.info("checkpoint {} written: version {}, global step {}, {} episodes", file, state.version(), state.globalStep(),
        checkpoint.getEpisodesCount());
    return file;
  }

  /** Writes the final checkpoint off the calling thread (a gRPC one; the write waits for the applier), then runs {@code done}. */
  void writeFinal(Runnable done) {
    thread.execute(() -> {
      try {
        write();
      } catch (IOException | RuntimeException e) {
        log.error("final checkpoint failed", e);
      } finally {
        done.run();
      }
    });
  }

  void close() {
    thread.shutdownNow();
  }

  private void periodic() {
    if (service.stopRule().stopped()) {
      // The final checkpoint is written (or being written) with the stop reason; another would repeat it.
      return;
    }
    try {
      write();
      writeFailures.succeeded(WHAT);
    } catch (IOException | RuntimeException e) {
      // The newest complete checkpoint stays as it was: each is written beside it, then renamed.
      writeFailures.failed(WHAT, e);
    }
  }

  private Hyperparameters hyperparameters() {
    OptimizerConfig optimizer = config.optimizer();
    return Hyperparameters.newBuilder().setEnvName(config.envName()).setOptimizer(optimizer.kind().flag())
        .setLr(optimizer.lr()).setBeta1(optimizer.beta1()).setBeta2(optimizer.beta2()).setEps(optimizer.eps())
        .setAlpha(optimizer.alpha()).setTargetScore(config.targetScore()).setStopMeasure(config.stopMeasure().flag())
        .setMaxSteps(config.maxSteps())
        .putAllExtra(config.extra()).build();
  }
}
