package a3c.ps;

import a3c.checkpoint.CheckpointException;
import a3c.checkpoint.CheckpointFolder;
import a3c.lifecycle.ParentWatch;
import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.proto.Hyperparameters;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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

  @Option(names = "--port", description = "port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port = 50051;

  @Option(names = "--bind", description = "address to bind; 0.0.0.0 for runs across hosts (default: ${DEFAULT-VALUE})")
  String bind = "127.0.0.1";

  @Option(names = "--env-name", description = "the env the run trains, for its default target (default: ${DEFAULT-VALUE})")
  String envName = "PongNoFrameskip-v4";

  @Option(names = "--opt", description = "optimizer: adam or rmsprop (default: ${DEFAULT-VALUE})")
  String opt = "adam";

  @Option(names = "--lr", description = "learning rate (default: ${DEFAULT-VALUE})")
  double lr = OptimizerConfig.DEFAULT_LR;

  @Option(names = "--beta1", description = "Adam's first-moment decay (default: ${DEFAULT-VALUE})")
  double beta1 = 0.9;

  @Option(names = "--beta2", description = "Adam's second-moment decay (default: ${DEFAULT-VALUE})")
  double beta2 = 0.99;

  @Option(names = "--eps", description = "optimizer epsilon (default: ${DEFAULT-VALUE})")
  double eps = 1e-8;

  @Option(names = "--alpha", description = "RMSprop smoothing constant (default: ${DEFAULT-VALUE})")
  double alpha = 0.99;

  @Option(names = "--target-score", description = "stop when the stop measure reaches this "
      + "(default: 18 for Pong, 60 for Breakout, 475 for CartPole-v1, none otherwise)")
  Double targetScore;

  @Option(names = "--stop-measure", paramLabel = "episodes|rounds", description = "the mean the target is compared with: "
      + "episodes (the last 100 episodes) or rounds (the reference's: the last 100 round averages, a round being one "
      + "episode from every worker; needs more than 100 rounds) (default: ${DEFAULT-VALUE})")
  String stopMeasure = StopMeasure.EPISODES.flag();

  @Option(names = "--max-steps", description = "stop at this many global agent steps; 0 for no limit (default: ${DEFAULT-VALUE})")
  long maxSteps;

  @Option(names = "--resume", paramLabel = "FILE|DIR", description = "resume from a checkpoint file, or the newest in a folder")
  Path resume;

  @Option(names = "--checkpoint-dir", description = "where checkpoints go (default: ${DEFAULT-VALUE})")
  Path checkpointDir = Path.of("checkpoints");

  @Option(names = "--checkpoint-every", paramLabel = "SECONDS", description = "seconds between checkpoints (default: ${DEFAULT-VALUE})")
  double checkpointEvery = 60;

  @Option(names = "--keep-checkpoints", description = "how many checkpoints to keep (default: ${DEFAULT-VALUE})")
  int keepCheckpoints = 3;

  @Option(names = "--auth-token", defaultValue = "${env:A3C_AUTH_TOKEN}",
      description = "shared secret every call must carry (default: $A3C_AUTH_TOKEN; none if unset)")
  String authToken;

  @Option(names = "--tls-cert", description = "PEM certificate chain; serve TLS (with --tls-key)")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM private key (PKCS#8) for --tls-cert")
  Path tlsKey;

  @Option(names = "--max-message-mb", description = "largest gRPC message accepted, MiB (default: ${DEFAULT-VALUE})")
  int maxMessageMb = ServerConfig.DEFAULT_MAX_MESSAGE_BYTES >> 20;

  @Option(names = "--linger-seconds", description = "after the run stops, keep answering until every worker has heard it, at most this long (default: ${DEFAULT-VALUE})")
  double lingerSeconds = 3;

  @Option(names = "--shared-memory-dir", description = "publish weights here too, for workers on this host (e.g. under /dev/shm)")
  Path sharedMemoryDir;

  @Option(names = "--episodes-csv", description = "append one line per finished episode to this CSV file")
  Path episodesCsv;

  @Option(names = "--tensorboard-dir", description = "write TensorBoard event files (scores, losses, rates) here")
  Path tensorboardDir;

  @Option(names = "--applier-threads", description = "threads that apply each update together, each over its own "
      + "slice of the model; the update stays one atomic step (default: " + ServerConfig.APPLIER_THREADS_RULE
      + "; here ${DEFAULT-VALUE})")
  int applierThreads = ServerConfig.defaultApplierThreads(Runtime.getRuntime().availableProcessors());

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
      err.println("parameter-server: cannot listen on " + bind + ":" + port + ": " + e.getMessage());
      return ServerExit.BAD_USAGE.code();
    }
    Runnable stop = server::requestStop;
    Signal.handle(new Signal("TERM"), signal -> stop.run());
    Signal.handle(new Signal("INT"), signal -> stop.run());
    if (parentPid != null) {
      ParentWatch.watch(parentPid, stop);
    }
    out.printf(Locale.ROOT, "parameter-server listening on %s:%d (%s, lr %s)%n", bind, server.port(), config.optimizer().kind().flag(),
        config.optimizer().lr());
    out.flush();
    server.awaitStop(Duration.ofDays(365_000));
    server.awaitWorkersToHearStop(Duration.ofMillis((long) (lingerSeconds * 1000)));
    server.close();
    out.printf(Locale.ROOT, "parameter-server stopped: %s, checkpoint %s%n", server.stopReason(), server.lastCheckpoint());
    out.flush();
    return ServerExit.of(server.stopReason()).code();
  }

  /** Resolves options: an option given on the command line wins, then the checkpoint's value, then the default. */
  private ServerConfig config(Hyperparameters saved) {
    CommandLine.ParseResult given = spec.commandLine().getParseResult();
    boolean useSaved = saved != null;
    String env = useSaved && !given.hasMatchedOption("--env-name") ? saved.getEnvName() : envName;
    OptimizerKind kind = OptimizerKind.parse(useSaved && !given.hasMatchedOption("--opt") ? saved.getOptimizer() : opt);
    OptimizerConfig optimizer = new OptimizerConfig(kind,
        useSaved && !given.hasMatchedOption("--lr") ? saved.getLr() : lr,
        useSaved && !given.hasMatchedOption("--beta1") ? saved.getBeta1() : beta1,
        useSaved && !given.hasMatchedOption("--beta2") ? saved.getBeta2() : beta2,
        useSaved && !given.hasMatchedOption("--eps") ? saved.getEps() : eps,
        useSaved && !given.hasMatchedOption("--alpha") ? saved.getAlpha() : alpha);
    double target = useSaved && targetScore == null ? saved.getTargetScore() : StopRule.targetFor(env, targetScore);
    StopMeasure measure = StopMeasure.parse(useSaved && !given.hasMatchedOption("--stop-measure")
        ? (saved.getStopMeasure().isEmpty() ? StopMeasure.EPISODES.flag() : saved.getStopMeasure()) : stopMeasure);
    long steps = useSaved && !given.hasMatchedOption("--max-steps") ? saved.getMaxSteps() : maxSteps;
    if (!(checkpointEvery > 0)) {
      throw new IllegalArgumentException("--checkpoint-every must be positive, got " + checkpointEvery);
    }
    if (maxMessageMb < 1 || maxMessageMb > 2047) {
      throw new IllegalArgumentException("--max-message-mb must be in 1..2047, got " + maxMessageMb);
    }
    return new ServerConfig(bind, port, optimizer, env, target, measure, steps, checkpointDir,
        Duration.ofMillis((long) (checkpointEvery * 1000)), keepCheckpoints, authToken, tlsCert, tlsKey,
        maxMessageMb << 20, saved == null ? Map.of() : saved.getExtraMap(), sharedMemoryDir, episodesCsv, tensorboardDir,
        applierThreads);
  }
}
