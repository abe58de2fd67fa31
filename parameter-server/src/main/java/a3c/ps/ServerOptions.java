package a3c.ps;

import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.rpc.WireDtypes;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The parameter server's run flags (optimizer, stopping rule, checkpoints, applier), declared once.
 * {@code scripts/parameter-server} reads them; {@code scripts/launcher} checks them before it starts
 * anything and passes on to its server only those the user gave, so that a flag not given falls,
 * in the server alone, to the resumed checkpoint's value and then to its default.
 */
public final class ServerOptions {
  /** This mixin's own options, to pass on the given ones by name. */
  @Spec CommandSpec mixin;

  @Option(names = "--opt", description = "optimizer: adam or rmsprop (default: ${DEFAULT-VALUE})")
  String opt = OptimizerKind.ADAM.flag();

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
      + "(default: 18 Pong, 60 Breakout, 475 CartPole-v1, none otherwise)")
  Double targetScore;

  @Option(names = "--stop-measure", paramLabel = "episodes|rounds", description = "the mean the target is compared with: "
      + "episodes (the last 100 episodes) or rounds (the reference's: the last 100 round averages, a round being one "
      + "episode from every worker; needs more than 100 rounds) (default: ${DEFAULT-VALUE})")
  String stopMeasure = StopMeasure.EPISODES.flag();

  @Option(names = "--max-steps", description = "stop at this many global agent steps; 0 for no limit (default: ${DEFAULT-VALUE})")
  long maxSteps;

  @Option(names = "--checkpoint-every", paramLabel = "SECONDS", description = "seconds between checkpoints (default: ${DEFAULT-VALUE})")
  double checkpointEvery = 60;

  @Option(names = "--keep-checkpoints", description = "how many checkpoints to keep (default: ${DEFAULT-VALUE})")
  int keepCheckpoints = 3;

  @Option(names = "--applier-threads", description = "threads that apply each update together, each over its own "
      + "slice of the model; the update stays one atomic step (default: " + ServerConfig.APPLIER_THREADS_RULE
      + "; here ${DEFAULT-VALUE})")
  int applierThreads = ServerConfig.defaultApplierThreads(Runtime.getRuntime().availableProcessors());

  @Option(names = "--max-message-mb", description = "largest gRPC message accepted, MiB (default: ${DEFAULT-VALUE})")
  int maxMessageMb = ServerConfig.DEFAULT_MAX_MESSAGE_BYTES >> 20;

  @Option(names = "--wire-dtype", description = "float32 or bfloat16 (half the bytes). A server sends every gRPC "
      + "client its weights in it (by default each client gets the dtype it asks for); a worker host (--ps) moves its "
      + "tensors to and from the server in it (default there: bfloat16). Shared memory and the server's own weights "
      + "stay float32")
  String wireDtype;

  @Option(names = "--linger-seconds", description = "after the run stops, keep answering until every worker has heard "
      + "it, at most this long (default: ${DEFAULT-VALUE})")
  double lingerSeconds = 3;

  /** Checks every value as given, naming the flag, so that a bad one is refused before anything starts. */
  public void check() {
    OptimizerConfig.defaults(OptimizerKind.parse(opt), lr);
    StopMeasure.parse(stopMeasure);
    if (targetScore != null && targetScore.isNaN()) {
      throw new IllegalArgumentException("--target-score must be a number, got NaN");
    }
    if (maxSteps < 0) {
      throw new IllegalArgumentException("--max-steps must be >= 0 (0 for no limit), got " + maxSteps);
    }
    if (!(checkpointEvery > 0)) {
      throw new IllegalArgumentException("--checkpoint-every must be positive, got " + checkpointEvery);
    }
    if (keepCheckpoints < 1) {
      throw new IllegalArgumentException("--keep-checkpoints must be >= 1, got " + keepCheckpoints);
    }
    ServerConfig.requireApplierThreads(applierThreads);
    if (maxMessageMb < 1 || maxMessageMb > 2047) {
      throw new IllegalArgumentException("--max-message-mb must be in 1..2047, got " + maxMessageMb);
    }
    if (wireDtype != null) {
      WireDtypes.parse(wireDtype);
    }
    if (!(lingerSeconds >= 0)) {
      throw new IllegalArgumentException("--linger-seconds must be >= 0, got " + lingerSeconds);
    }
  }

  /** The dtype the server answers every gRPC client in: {@code --wire-dtype} as given, or float32. */
  public String serverWireDtype() {
    return wireDtype != null ? wireDtype : "float32";
  }

  /**
   * The dtype between a worker host's relay and the server: {@code --wire-dtype} as given, or
   * bfloat16, which learned as float32 does (docs/results.md) on half the bytes.
   */
  public String workerHostWireDtype() {
    return wireDtype != null ? wireDtype : "bfloat16";
  }

  /** The options of this mixin that {@code parsed} matched, as a server's command line gets them. */
  public List<String> given(ParseResult parsed) {
    List<String> args = new ArrayList<>();
    for (OptionSpec option : mixin.options()) {
      String name = option.longestName();
      if (parsed.hasMatchedOption(name)) {
        args.add(name);
        args.addAll(parsed.matchedOption(name).stringValues());
      }
    }
    return args;
  }
}
