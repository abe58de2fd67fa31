package a3c.bench;

import a3c.machine.Machine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bench-scaling}: the launcher on one machine with 1, 2, 4, ... workers in turn, a
 * fixed measured time each ({@link MeasuredLaunch}), one line per count. Efficiency compares the
 * rate with N workers to N times the first count's rate per worker (with 1 first: N times one
 * worker's rate).
 */
@Command(name = "bench-scaling", mixinStandardHelpOptions = true,
    description = "Agent steps/s of the launcher with N local workers, for each N in --workers.")
public final class ScalingBench implements Callable<Integer> {
  @Option(names = "--workers", split = ",", description = "worker counts, in order (default: 1,2,4,8,16)")
  List<Integer> counts = new ArrayList<>(List.of(1, 2, 4, 8, 16));

  @Option(names = "--seconds", description = "measured seconds per count, once every worker has pushed (default: ${DEFAULT-VALUE})")
  double seconds = 60;

  @Option(names = "--warmup-limit", description = "longest wait for every worker's first push, seconds (default: ${DEFAULT-VALUE})")
  double warmupLimit = 240;

  @Option(names = "--env-name", description = "env to train (default: ${DEFAULT-VALUE})")
  String envName = "PongNoFrameskip-v4";

  @Option(names = "--rom-dir", description = "folder with Atari ROMs (default: $A3C_ROM_DIR)")
  Path romDir;

  @Option(names = "--run-dir", description = "where each count's run folder and launcher log go (default: a new temp folder)")
  Path runDir;

  @Option(names = "--launcher-arg", description = "a further launcher flag, e.g. --launcher-arg=--cpu-affinity (repeatable)")
  List<String> launcherArgs = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new ScalingBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (counts.isEmpty() || counts.stream().anyMatch(n -> n < 1) || !(seconds > 0) || !(warmupLimit > 0)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--workers must list counts >= 1, --seconds and "
          + "--warmup-limit must be positive");
    }
    Path folder = runDir != null ? Files.createDirectories(runDir) : Files.createTempDirectory("a3c-scaling-");
    System.out.println(Machine.current());
    System.out.println("runs and launcher logs in " + folder);
    double perWorkerBase = 0;
    for (int workers : counts) {
      List<String> args = new ArrayList<>(List.of("--env-name", envName, "--n-workers", Integer.toString(workers),
          "--port", "0", "--run-dir", folder.resolve("workers-" + workers).toString(), "--progress-every", "5",
          "--no-jvm-cache", "--test-games", "0"));
      if (romDir != null) {
        args.addAll(List.of("--rom-dir", romDir.toString()));
      }
      args.addAll(launcherArgs);
      MeasuredLaunch.Result result = MeasuredLaunch.run(workers, args, Duration.ofMillis((long) (warmupLimit * 1000)),
          Duration.ofMillis((long) (seconds * 1000)), folder.resolve("launcher-" + workers + ".log"), System.out);
      if (perWorkerBase == 0) {
        perWorkerBase = result.agentStepsPerSecond() / workers;
      }
      double efficiency = perWorkerBase > 0 ? result.agentStepsPerSecond() / (workers * perWorkerBase) : 0;
      System.out.printf(Locale.ROOT, "scaling workers=%d agent_steps_per_s=%.1f efficiency=%.2f server_cpu_share=%.3f "
          + "server_cores=%.2f mean_staleness=%.2f active_workers=%d rss_gb=%.1f exit=%d clean=%s%n", workers,
          result.agentStepsPerSecond(), efficiency, result.serverCpuShare(), result.serverCores(), result.meanStaleness(),
          result.activeWorkers(), result.rssBytes() / 1e9, result.exitCode(),
          result.exitCode() == 130 && result.summary() ? "yes" : "no");
      System.out.flush();
    }
    return 0;
  }
}
