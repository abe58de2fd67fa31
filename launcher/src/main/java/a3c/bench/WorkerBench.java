package a3c.bench;

import a3c.learner.LearnerConfig;
import a3c.machine.Machine;
import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.proto.GetStatusResponse;
import a3c.proto.StopReason;
import a3c.ps.ParameterServer;
import a3c.ps.ServerConfig;
import a3c.rpc.WireDtypes;
import a3c.supervise.SharedMemoryDirs;
import a3c.worker.LearnerOptions;
import a3c.worker.WorkerConfig;
import a3c.worker.WorkerRunner;
import a3c.worker.WorkerTimings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bench-worker}: workers against a local parameter server over loopback, in one JVM.
 * Without {@code --until-score} it measures one worker's throughput and where its time goes; with
 * it, the wall time until the mean of the last 100 scores reaches the score.
 */
@Command(name = "bench-worker", mixinStandardHelpOptions = true,
    description = "Worker throughput (agent steps/s and its breakdown), or time to solve with --until-score.")
public final class WorkerBench implements Callable<Integer> {
  @Option(names = "--env-name", description = "env to play (default: ${DEFAULT-VALUE})")
  String envName = "PongNoFrameskip-v4";

  @Option(names = "--rom-dir", description = "folder with Atari ROMs (default: $A3C_ROM_DIR)")
  Path romDir;

  @Option(names = "--seconds", description = "measured seconds after --warmup (default: ${DEFAULT-VALUE})")
  double seconds = 30;

  @Option(names = "--warmup", description = "seconds played before measuring (default: ${DEFAULT-VALUE})")
  double warmup = 5;

  @Option(names = "--n-workers", description = "workers, each on its own thread (default: ${DEFAULT-VALUE})")
  int workers = 1;

  @Option(names = "--until-score", description = "run until the mean of the last 100 scores reaches this; print the time")
  Double untilScore;

  @Option(names = "--lr", description = "learning rate (default: 1e-3 for CartPole-v1, else the reference's 1e-4)")
  Double lr;

  @Option(names = "--shared-memory", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "move tensors through shared memory as the launcher does on one host; --no-shared-memory for gRPC (default: ${DEFAULT-VALUE})")
  boolean sharedMemoryOn;

  @Option(names = "--wire-dtype", description = "how tensors travel over gRPC (with --no-shared-memory): float32 or bfloat16 (default: ${DEFAULT-VALUE})")
  String wireDtype = "float32";

  @Mixin LearnerOptions learner = new LearnerOptions();

  public static void main(String[] args) {
    System.exit(new CommandLine(new WorkerBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    double target = untilScore == null ? Double.POSITIVE_INFINITY : untilScore;
    LearnerConfig learnerConfig = learner.learnerConfig();
    int maxEpisodeSteps = learner.maxEpisodeSteps();
    // The reference's 1e-4 is tuned for Atari; CartPole, our addition, learns faster at 1e-3.
    double rate = lr != null ? lr : envName.equals("CartPole-v1") ? 1e-3 : 1e-4;
    Path sharedMemory = sharedMemoryOn ? SharedMemoryDirs.create("bench") : null;
    ServerConfig serverConfig = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, rate), envName)
        .withStopRule(target, 0).withSharedMemory(sharedMemory);
    try (ParameterServer server = ParameterServer.start(serverConfig, null)) {
      List<WorkerRunner> runners = new ArrayList<>();
      List<CompletableFuture<StopReason>> running = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < workers; i++) {
        WorkerRunner runner = new WorkerRunner(new WorkerConfig("127.0.0.1:" + server.port(), i, "bench-" + i, envName, romDir,
            null, null, learnerConfig, learner.seed(), maxEpisodeSteps, Duration.ofSeconds(30), sharedMemory,
            learner.syncUpdates(), WireDtypes.parse(wireDtype)));
        runners.add(runner);
        running.add(CompletableFuture.supplyAsync(runner::run));
      }
      try {
        if (untilScore != null) {
          running.forEach(CompletableFuture::join);
          double elapsed = (System.nanoTime() - start) / 1e9;
          GetStatusResponse status = server.status();
          System.out.printf(Locale.ROOT, "episodes=%d mean100=%.1f updates=%d%n", status.getEpisodes(), status.getMean100(), status.getUpdates());
          System.out.printf(Locale.ROOT, "cartpole-solve seconds=%.1f agent_steps=%d%n", elapsed, status.getGlobalStep());
        } else {
          measureThroughput(runners.get(0));
        }
      } finally {
        server.requestStop();
        runners.forEach(WorkerRunner::requestStop);
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        for (WorkerRunner runner : runners) {
          runner.close();
        }
        SharedMemoryDirs.delete(sharedMemory);
      }
    }
    return 0;
  }

  private void measureThroughput(WorkerRunner runner) throws InterruptedException {
    Thread.sleep((long) (warmup * 1000));
    WorkerTimings timings = runner.timings();
    long steps0 = timings.steps();
    long frames0 = timings.frames();
    long act0 = timings.actNanos();
    long env0 = timings.envNanos();
    long learn0 = timings.learnNanos();
    long rpc0 = timings.rpcNanos();
    long pre0 = runner.preprocessNanos();
    long t0 = System.nanoTime();
    Thread.sleep((long) (seconds * 1000));
    double wall = System.nanoTime() - t0;
    long pre = runner.preprocessNanos() - pre0;
    double stepsPerSecond = (timings.steps() - steps0) / (wall / 1e9);
    System.out.println(Machine.current());
    System.out.printf(Locale.ROOT, "transport: %s%n", sharedMemoryOn ? "shared memory" : "gRPC");
    System.out.printf(Locale.ROOT, "worker-bench env=%s agent_steps_per_s=%.1f frames_per_s=%.1f emulate_pct=%.1f preprocess_pct=%.1f "
        + "forward_pct=%.1f backward_pct=%.1f rpc_pct=%.1f%n", envName, stepsPerSecond,
        (timings.frames() - frames0) / (wall / 1e9), 100 * (timings.envNanos() - env0 - pre) / wall, 100 * pre / wall,
        100 * (timings.actNanos() - act0) / wall, 100 * (timings.learnNanos() - learn0) / wall,
        100 * (timings.rpcNanos() - rpc0) / wall);
  }
}
