package a3c.worker;

import a3c.env.atari.RomNotFoundException;
import a3c.lifecycle.ParentWatch;
import a3c.net.ServerTrustOptions;
import a3c.proto.StopReason;
import a3c.rpc.WireDtypes;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code scripts/worker}: options, validated config, worker, exit code. */
@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
    description = "One A3C worker: plays its own copy of the game, computes gradients, pushes them to the parameter server.",
    footer = {"", "Exit codes: 0 the parameter server ended the run (or SIGTERM/SIGINT), 1 failure (e.g. server unreachable "
        + "for longer than --retry-seconds), 2 bad usage (flags, ROM, an --engine this JVM or CPU cannot run)."})
public final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--ps", required = true, paramLabel = "HOST:PORT", description = "the parameter server")
  String ps;

  @Option(names = "--worker-index", description = "this worker's index; its seed is --seed plus it (default: ${DEFAULT-VALUE})")
  int workerIndex;

  @Option(names = "--worker-id", description = "the name the server knows this worker by (default: <hostname>-<index>)")
  String workerId;

  @Option(names = "--env-name", description = "CartPole-v1 or any <Game>NoFrameskip-v4 whose ROM is found (default: ${DEFAULT-VALUE})")
  String envName = "PongNoFrameskip-v4";

  @Option(names = "--rom-dir", description = "folder with Atari ROMs such as pong.bin (default: $A3C_ROM_DIR)")
  Path romDir;

  @Option(names = "--auth-token", defaultValue = "${env:A3C_AUTH_TOKEN}", description = "the server's shared secret (default: $A3C_AUTH_TOKEN)")
  String authToken;

  @Mixin ServerTrustOptions trust = new ServerTrustOptions();

  @Mixin LearnerOptions learner = new LearnerOptions();

  @Option(names = "--retry-seconds", description = "keep retrying this long while the server is unreachable (default: ${DEFAULT-VALUE})")
  double retrySeconds = 300;

  @Option(names = "--shared-memory-dir", description = "the server's --shared-memory-dir, when it runs on this host: "
      + "tensors then move through shared memory instead of the socket")
  Path sharedMemoryDir;

  @Option(names = "--wire-dtype", description = "how tensors travel over gRPC: float32, or bfloat16 for half the bytes "
      + "on a network link; never with --shared-memory-dir (default: bfloat16 to a server on another host, float32 "
      + "through shared memory or loopback)")
  String wireDtype;

  @Option(names = "--parent-pid", description = "exit when this process exits; set by the launcher")
  Long parentPid;

  public static void main(String[] args) {
    System.exit(new CommandLine(new WorkerCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    WorkerConfig config;
    WorkerRunner runner;
    try {
      config = config();
      runner = new WorkerRunner(config);
    } catch (IllegalArgumentException | RomNotFoundException e) {
      err.println("worker: " + e.getMessage());
      return 2;
    } catch (IllegalStateException e) {
      // The java engine's kernel cannot run in this JVM or on this CPU; the message names the way out.
      err.println("worker: " + e.getMessage());
      return 2;
    }
    try (runner) {
      // INT too: Ctrl-C at a terminal reaches the whole process group, the launcher's workers included.
      Signal.handle(new Signal("TERM"), signal -> runner.requestStop());
      Signal.handle(new Signal("INT"), signal -> runner.requestStop());
      if (parentPid != null) {
        // The launcher is gone, and with it perhaps the server: do not wait out the retries.
        ParentWatch.watch(parentPid, () -> Runtime.getRuntime().halt(0));
      }
      StopReason reason = runner.run();
      spec.commandLine().getOut().printf(Locale.ROOT, "worker %s stopped: %s%n", config.workerId(), reason);
      return 0;
    } catch (StatusRuntimeException e) {
      err.println("worker: parameter server at " + config.psTarget() + " failed the call: " + e.getStatus());
      return 1;
    }
  }

  private WorkerConfig config() {
    if (!(retrySeconds >= 0)) {
      throw new IllegalArgumentException("--retry-seconds must be >= 0, got " + retrySeconds);
    }
    String id = workerId != null ? workerId : GrpcSession.hostname() + "-" + workerIndex;
    return new WorkerConfig(ps, workerIndex, id, envName, romDir, authToken, trust.tls(), learner.learnerConfig(), learner.seed(),
        learner.maxEpisodeSteps(), Duration.ofMillis((long) (retrySeconds * 1000)), sharedMemoryDir, learner.syncUpdates(),
        wireDtype != null ? WireDtypes.parse(wireDtype) : WorkerConfig.defaultWireDtype(ps, sharedMemoryDir));
  }
}
