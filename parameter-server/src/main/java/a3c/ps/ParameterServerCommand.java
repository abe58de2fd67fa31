package a3c.ps;

import a3c.checkpoint.CheckpointException;
import a3c.checkpoint.CheckpointFolder;
import a3c.lifecycle.ParentWatch;
import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.proto.Hyperparameters;
import a3c.rpc.WireDtypes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code scripts/parameter-server}: options, validated config, server, exit code. */
@Command(name = "parameter-server", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Holds A3C's global network and shared optimizer behind gRPC; workers push gradients and pull weights.",
    footer = {"", "Exit codes: 0 target reached, 1 failure, 2 bad usage or checkpoint,",
        "3 --max-steps reached, 130 stopped on request (SIGTERM, SIGINT,", "or the --parent-pid process gone)."})
public final class ParameterServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ServerEndpoint endpoint = new ServerEndpoint();

  @Option(names = "--env-name", description = "the env the run trains, for its default target (default: ${DEFAULT-VALUE})")
  String envName = "PongNoFrameskip-v4";

  @Mixin ServerOptions options = new ServerOptions();

  @Option(names = "--resume", paramLabel = "FILE|DIR", description = "resume from a checkpoint file, or the newest in a folder")
  Path resume;

  @Option(names = "--checkpoint-dir", description = "where checkpoints go (default: ${DEFAULT-VALUE})")
  Path checkpointDir = Path.of("checkpoints");

  @Option(names = "--shared-memory-dir", description = "publish weights here too, for workers on this host (e.g. under /dev/shm)")
  Path sharedMemoryDir;

  @Option(names = "--episodes-csv", description = "append one line per finished episode to this CSV file")
  Path episodesCsv;

  @Option(names = "--tensorboard-dir", description = "write TensorBoard event files (scores, losses, rates) here")
  Path tensorboardDir;

  @Option(names = "--parent-pid", description = "stop (with a final checkpoint) when this process exits; set by the launcher")
  Long parentPid;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ParameterServerCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CheckpointFolder.Loaded loaded = null;
    ServerConfig config;
    try {
      if (resume != null) {
        loaded = CheckpointFolder.load(resume);
      }
      config = config(loaded == null ? null : loaded.checkpoint().getHyperparameters());
      if (loaded != null && loaded.state().optimizer().kind() != config.optimizer().kind()) {
        throw new IllegalArgumentException(loaded.file() + " holds " + loaded.state().optimizer().kind().flag()
            + " state; resume it without --opt or with --opt " + loaded.state().optimizer().kind().flag());
      }
    } catch (CheckpointException | IllegalArgumentException e) {
      err.println("parameter-server: " + e.getMessage());
      return ServerExit.BAD_USAGE.code();
    }
    ParameterServer server;
    try {
      server = ParameterServer.start(config, loaded);
    } catch (java.io.IOException e) {
      err.println("parameter-server: cannot listen on " + endpoint.bind() + ":" + endpoint.port() + ": " + e.getMessage());
      return ServerExit.BAD_USAGE.code();
    }
    Runnable stop = server::requestStop;
    Signal.handle(new Signal("TERM"), signal -> stop.run());
    Signal.handle(new Signal("INT"), signal -> stop.run());
    if (parentPid != null) {
      ParentWatch.watch(parentPid, stop);
    }
    out.printf(Locale.ROOT, "parameter-server listening on %s:%d (%s, lr %s)%n", endpoint.bind(), server.port(), config.optimizer().kind().flag(),
        config.optimizer().lr());
    out.flush();
    String open = endpoint.openWithoutSecret();
    if (open != null) {
      err.println("parameter-server: warning: " + open);
      err.flush();
    }
    server.awaitStop(Duration.ofDays(365_000));
    server.awaitWorkersToHearStop(Duration.ofMillis((long) (options.lingerSeconds * 1000)));
    server.close();
    out.printf(Locale.ROOT, "parameter-server stopped: %s, %s%n", server.stopReason(),
        server.lastCheckpoint() == null ? "no checkpoint (no weights yet)" : "checkpoint " + server.lastCheckpoint());
    out.flush();
    return ServerExit.of(server.stopReason()).code();
  }

  /** Resolves options: an option given on the command line wins, then the checkpoint's value, then the default. */
  private ServerConfig config(Hyperparameters saved) {
    options.check();
    endpoint.requireTls();
    CommandLine.ParseResult given = spec.commandLine().getParseResult();
    boolean useSaved = saved != null;
    String env = useSaved && !given.hasMatchedOption("--env-name") ? saved.getEnvName() : envName;
    OptimizerKind kind = OptimizerKind.parse(useSaved && !given.hasMatchedOption("--opt") ? saved.getOptimizer() : options.opt);
    OptimizerConfig optimizer = new OptimizerConfig(kind,
        useSaved && !given.hasMatchedOption("--lr") ? saved.getLr() : options.lr,
        useSaved && !given.hasMatchedOption("--beta1") ? saved.getBeta1() : options.beta1,
        useSaved && !given.hasMatchedOption("--beta2") ? saved.getBeta2() : options.beta2,
        useSaved && !given.hasMatchedOption("--eps") ? saved.getEps() : options.eps,
        useSaved && !given.hasMatchedOption("--alpha") ? saved.getAlpha() : options.alpha);
    double target = useSaved && options.targetScore == null ? saved.getTargetScore() : StopRule.targetFor(env, options.targetScore);
    StopMeasure measure = StopMeasure.parse(useSaved && !given.hasMatchedOption("--stop-measure")
        ? (saved.getStopMeasure().isEmpty() ? StopMeasure.EPISODES.flag() : saved.getStopMeasure()) : options.stopMeasure);
    long steps = useSaved && !given.hasMatchedOption("--max-steps") ? saved.getMaxSteps() : options.maxSteps;
    return new ServerConfig(endpoint.bind(), endpoint.port(), optimizer, env, target, measure, steps, checkpointDir,
        Duration.ofMillis((long) (options.checkpointEvery * 1000)), options.keepCheckpoints, endpoint.authToken(), endpoint.tlsCert(), endpoint.tlsKey(),
        options.maxMessageMb << 20, saved == null ? Map.of() : saved.getExtraMap(), sharedMemoryDir, episodesCsv, tensorboardDir,
        options.applierThreads, WireDtypes.parse(options.serverWireDtype()));
  }
}
