package a3c.launcher;

import a3c.checkpoint.CheckpointException;
import a3c.checkpoint.CheckpointFolder;
import a3c.env.atari.RomNotFoundException;
import a3c.env.atari.Roms;
import a3c.net.ServerTrustOptions;
import a3c.proto.GetStatusResponse;
import a3c.ps.ParameterServer;
import a3c.ps.ServerEndpoint;
import a3c.ps.ServerOptions;
import a3c.supervise.JvmCache;
import a3c.worker.LearnerOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code scripts/launcher}: the reference's {@code main.py} flags, validated, then a {@link Launcher} run. */
@Command(name = "launcher", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Trains A3C: forks a parameter server and N workers (JVMs), supervises them, stops at the target.", ""},
    footer = {"", "Exit codes: 0 target reached, 1 failure, 2 bad usage, 3 --max-steps reached,",
        "4 --max-seconds reached, 130 stopped by the user (Ctrl-C or SIGTERM, of the",
        "launcher or its server; a second Ctrl-C stops at once)."})
public final class LauncherCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final HostResources host;

  @Mixin LearnerOptions learner = new LearnerOptions();

  @Option(names = "--n-workers", description = "how many worker JVMs to run here; 0 for remote workers only; more than "
      + "the cores only warns; a count whose memory (stated at the start) exceeds what is available is refused "
      + "(default: available processors)")
  Integer nWorkers;

  @Option(names = "--cpu-affinity", description = "pin worker i to the i-th CPU this launcher may use (round robin), "
      + "with taskset; where there is no taskset the workers run unpinned, with a warning")
  boolean cpuAffinity;

  @Option(names = "--ps", paramLabel = "HOST:PORT", description = "run a worker host for the parameter server there: "
      + "no server here, the workers reach it through one relay")
  String ps;

  @Option(names = "--first-worker-index", description = "with --ps: this host's first worker index; give each host its own "
      + "range so that seeds and worker ids differ (default: ${DEFAULT-VALUE})")
  int firstWorkerIndex;

  /** With --ps: how the relay trusts the server (a server started here serves TLS with --tls-cert and --tls-key). */
  @Mixin ServerTrustOptions trust = new ServerTrustOptions();

  @Option(names = "--retry-seconds", description = "with --ps: how long to wait for a server that does not answer (default: ${DEFAULT-VALUE})")
  double retrySeconds = 300;

  @Option(names = "--env-name", description = "CartPole-v1 or any <Game>NoFrameskip-v4 (default: ${DEFAULT-VALUE})")
  String envName = "PongNoFrameskip-v4";

  @Option(names = "--rom-dir", description = "folder with Atari ROMs such as pong.bin (default: $A3C_ROM_DIR)")
  Path romDir;

  @Option(names = "--run-dir", description = "where logs and checkpoints go (default: runs/<env>-<timestamp>)")
  Path runDir;

  @Option(names = "--max-seconds", description = "stop after this much wall-clock time")
  Double maxSeconds;

  @Option(names = "--resume", paramLabel = "FILE|DIR", description = "start from this checkpoint (file, or newest in a folder)")
  Path resume;

  @Mixin ServerEndpoint endpoint = new ServerEndpoint();

  @Mixin ServerOptions server = new ServerOptions();

  @Option(names = "--worker-restarts", description = "restarts allowed per worker (default: ${DEFAULT-VALUE})")
  int workerRestarts = 5;

  @Option(names = "--ps-restarts", description = "parameter-server restarts allowed (default: ${DEFAULT-VALUE})")
  int psRestarts = 3;

  @Option(names = "--hang-seconds", paramLabel = "SECONDS", description = "a server that does not answer its health check, "
      + "or a worker the server has not heard from, for this long is killed as hung and restarted (default: ${DEFAULT-VALUE})")
  double hangSeconds = 60;

  @Option(names = "--progress-every", paramLabel = "SECONDS", description = "seconds between progress lines (default: ${DEFAULT-VALUE})")
  double progressEvery = 10;

  @Option(names = "--shared-memory", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "local workers exchange tensors with the server through shared memory instead of the socket; "
          + "--no-shared-memory sends them over gRPC as remote workers do (default: ${DEFAULT-VALUE})")
  boolean sharedMemory;

  @Option(names = "--jvm-cache", paramLabel = "DIR", description = "where the ahead-of-time caches of the server, the "
      + "workers and a worker host's relay live, made after the first run of each build; JDK 24+ (default: ~/.cache/a3c-java/jvm)")
  Path jvmCache;

  @Option(names = "--no-jvm-cache", description = "start the server, the workers and the relay without ahead-of-time caches")
  boolean noJvmCache;

  @Option(names = "--use-trained", arity = "0..1", fallbackValue = "true",
      description = "play greedy test games with a trained model instead of training (default: ${DEFAULT-VALUE})")
  boolean useTrained;

  @Option(names = "--checkpoint", paramLabel = "FILE|DIR", description = "the model --use-trained plays "
      + "(default: the newest checkpoint of --run-dir, else of the newest runs/<env>-*)")
  Path checkpoint;

  @Option(names = "--gif-dir", description = "where --use-trained saves test-game-N.gif (default: the run folder of "
      + "the checkpoint, else the current folder)")
  Path gifDir;

  @Option(names = "--test-games", description = "greedy games played with --use-trained and after reaching the target (default: ${DEFAULT-VALUE})")
  int testGames = 3;

  @Option(names = "--test-policy", paramLabel = "greedy|direction|sample", description = "how the test games act: greedy "
      + "(the reference's: the most probable action), direction (the most probable joystick direction, an action and its "
      + "FIRE twin added together, then its most probable action) or sample (the stochastic policy) (default: ${DEFAULT-VALUE})")
  String testPolicy = TestPolicy.GREEDY.flag();

  public LauncherCommand() {
    this(HostResources.current());
  }

  /** A launcher that plans for the given machine instead of this one. */
  LauncherCommand(HostResources host) {
    this.host = host;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new LauncherCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (useTrained) {
      return playTrained(out);
    }
    if (ps != null) {
      return workerHost(out);
    }
    LaunchConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException | RomNotFoundException | CheckpointException e) {
      spec.commandLine().getErr().println("launcher: " + e.getMessage());
      return 2;
    }
    HostFit.of(config.envName(), config.workers(), host).notes().forEach(note -> out.println("[launcher] " + note));
    if (cpuAffinity && !config.affinity().pins()) {
      out.println("[launcher] warning: --cpu-affinity needs taskset, which is not on the PATH: the workers run unpinned");
    }
    out.flush();
    // scripts/launcher sets a3c.terminal when its standard output is a terminal ([ -t 1 ]).
    Launcher launcher = new Launcher(config, out, Boolean.getBoolean("a3c.terminal"));
    launcher.stopOnSignals();
    return launcher.run().exitCode();
  }

  /** {@code --ps}: a worker host, stopped gracefully by the first Ctrl-C or SIGTERM. */
  private int workerHost(PrintWriter out) throws IOException, InterruptedException {
    WorkerHost host;
    try {
      if (endpoint.tlsCert() != null || endpoint.tlsKey() != null) {
        throw new IllegalArgumentException("--tls-cert and --tls-key are for a server; a worker host (--ps) runs none, "
            + "and trusts its server's certificate with --tls-ca");
      }
      Path dir = runDir != null ? runDir : Path.of("runs", "host-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
      host = new WorkerHost(WorkerHostConfig.of(ps, nWorkers == null ? Runtime.getRuntime().availableProcessors() : nWorkers,
          firstWorkerIndex, dir, endpoint.authToken(), trust.tls(), envName, romDir, learner.args(), workerRestarts, progressEvery,
          retrySeconds, server.workerHostWireDtype(), jvmCacheDir()), out);
    } catch (IllegalArgumentException | RomNotFoundException e) {
      spec.commandLine().getErr().println("launcher: " + e.getMessage());
      return 2;
    }
    Signal.handle(new Signal("INT"), signal -> host.requestStop());
    Signal.handle(new Signal("TERM"), signal -> host.requestStop());
    try {
      return host.run().exitCode();
    } catch (ServerWait.Refused e) {
      spec.commandLine().getErr().println("launcher: " + e.getMessage());
      return 2;
    }
  }

  /** {@code --use-trained}: the reference's test phase on its own. */
  private int playTrained(PrintWriter out) {
    try {
      if (testGames < 1) {
        throw new IllegalArgumentException("--test-games must be >= 1, got " + testGames);
      }
      if (!envName.equals("CartPole-v1")) {
        Roms.locate(envName, romDir);
      }
      CheckpointFolder.Loaded trained = TrainedModels.load(TrainedModels.find(checkpoint, runDir, envName), envName);
      out.println("playing " + testGames + " greedy games of " + envName + " with " + trained.file());
      TestGames.play(envName, romDir, trained.checkpoint(), testGames, learner.seed(), gifDir != null ? gifDir : TrainedModels.gifFolder(trained.file()), out,
          learner.learnerConfig().engine(), TestPolicy.parse(testPolicy));
      return 0;
    } catch (IOException e) {
      spec.commandLine().getErr().println("launcher: cannot write the test games' GIFs: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException | RomNotFoundException | CheckpointException e) {
      spec.commandLine().getErr().println("launcher: " + e.getMessage());
      return 2;
    }
  }

  /** Checks every value before anything starts, so that a bad flag costs nothing. */
  LaunchConfig config() {
    if (trust.given()) {
      throw new IllegalArgumentException("--tls-ca and --tls-authority are for a worker host (--ps HOST:PORT); the server "
          + "this launcher starts serves TLS with --tls-cert and --tls-key, and its workers trust that certificate");
    }
    server.check();
    List<String> learnerArgs = learner.args();
    if (testGames < 0) {
      throw new IllegalArgumentException("--test-games must be >= 0, got " + testGames);
    }
    TestPolicy policy = TestPolicy.parse(testPolicy);
    if (!(progressEvery > 0) || !(hangSeconds > 0)) {
      throw new IllegalArgumentException("--progress-every and --hang-seconds must be positive");
    }
    String authToken = endpoint.authToken();
    if (authToken != null && authToken.isBlank()) {
      throw new IllegalArgumentException("--auth-token must not be blank: pass a secret, or neither --auth-token nor "
          + "$A3C_AUTH_TOKEN for none");
    }
    if (!envName.equals("CartPole-v1")) {
      if (!Roms.isAtari(envName)) {
        throw new IllegalArgumentException("unknown env '" + envName + "': use CartPole-v1 or <Game>NoFrameskip-v4");
      }
      Roms.locate(envName, romDir);
    }
    GetStatusResponse resumedFrom = null;
    if (resume != null) {
      resumedFrom = ParameterServer.status(TrainedModels.load(resume, envName).checkpoint());
    }
    int workers = nWorkers == null ? Runtime.getRuntime().availableProcessors() : nWorkers;
    // A negative count needs no memory here; LaunchConfig refuses it below.
    HostFit.of(envName, workers, host).requireMemory();
    Path dir = runDir != null ? runDir
        : Path.of("runs", envName + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Path earlier = dir.resolve("checkpoints");
    if (resume == null && !CheckpointFolder.list(earlier).isEmpty()) {
      throw new IllegalArgumentException(earlier + " already holds an earlier run's checkpoints: continue it with --resume "
          + earlier + ", or start afresh with another --run-dir");
    }
    String bind = endpoint.bind();
    BindAddress address = BindAddress.of(bind);
    int psPort = address.freePort(endpoint.port());
    String psTarget = address.clientTarget(psPort);
    LocalTls tls = endpoint.requireTls() ? LocalTls.of(endpoint.tlsCert(), endpoint.tlsKey(), address.clientHost()) : null;
    // Only the flags given: the server resolves the rest, a resumed run's from its checkpoint.
    List<String> psArgs = new ArrayList<>(List.of("--env-name", envName));
    psArgs.addAll(server.given(spec.commandLine().getParseResult()));
    List<String> workerArgs = new ArrayList<>(List.of("--env-name", envName));
    workerArgs.addAll(learnerArgs);
    if (romDir != null) {
      workerArgs.addAll(List.of("--rom-dir", romDir.toAbsolutePath().toString()));
    }
    if (tls != null) {
      workerArgs.addAll(tls.workerArgs());
    }
    return new LaunchConfig(envName, workers, dir.toAbsolutePath(), bind, psPort, psTarget, tls, authToken,
        psArgs, workerArgs, maxSeconds == null ? null : Duration.ofMillis((long) (maxSeconds * 1000)),
        resume == null ? null : resume.toAbsolutePath(), resumedFrom, workerRestarts, psRestarts,
        Duration.ofMillis((long) (progressEvery * 1000)), sharedMemory, romDir == null ? null : romDir.toAbsolutePath(), testGames,
        jvmCacheDir(),
        cpuAffinity ? CpuAffinity.find(System.getenv("PATH"), host.cpus()) : CpuAffinity.NONE,
        Duration.ofMillis((long) (hangSeconds * 1000)), learner.learnerConfig().engine(), policy);
  }

  /** Where the children's ahead-of-time caches live, or null with {@code --no-jvm-cache}. */
  private Path jvmCacheDir() {
    return noJvmCache ? null : (jvmCache != null ? jvmCache : JvmCache.defaultDirectory()).toAbsolutePath();
  }
}
