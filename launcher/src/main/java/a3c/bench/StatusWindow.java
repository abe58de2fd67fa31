package a3c.bench;

import a3c.launcher.LauncherCommand;
import a3c.net.Channels;
import a3c.proto.GetStatusRequest;
import a3c.proto.GetStatusResponse;
import a3c.ps.ParameterServerCommand;
import a3c.relay.RelayCommand;
import a3c.rpc.ParameterServerGrpc;
import a3c.worker.WorkerCommand;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bench-hosts}' measuring end: watches a running parameter server through its status
 * and prints what a window of training cost, once the workers have warmed up. The window starts
 * when {@code --min-updates} updates have been applied and {@code --warmup} seconds have passed
 * since, so that JVM and libtorch start-up stay out of it. Link counters (files such as
 * {@code /sys/class/net/X/statistics/tx_bytes}) and the CPU time of the given processes and their
 * descendants (every thread: compute, transport, JIT, GC) are read at both ends of the window: on
 * cores that all the simulated hosts share, CPU per update is what a remote worker's transport costs.
 * It is also split by program (server, relays, workers, launchers), told apart by the main class on
 * each process's command line.
 */
@Command(name = "status-window", mixinStandardHelpOptions = true,
    description = "Agent steps/s, updates, staleness (and the relays' share) and link bytes over a window of a running training.")
public final class StatusWindow implements Callable<Integer> {
  /** The programs a phase runs, by main class. */
  private static final Map<String, String> PROGRAMS = Map.of(ParameterServerCommand.class.getName(), "server",
      RelayCommand.class.getName(), "relay", WorkerCommand.class.getName(), "workers",
      LauncherCommand.class.getName(), "launchers");

  @Option(names = "--ps", required = true, paramLabel = "HOST:PORT", description = "the parameter server")
  String ps;

  @Option(names = "--auth-token", defaultValue = "${env:A3C_AUTH_TOKEN}", description = "the server's secret (default: $A3C_AUTH_TOKEN)")
  String authToken;

  @Option(names = "--warmup", description = "seconds after the first --min-updates updates before the window (default: ${DEFAULT-VALUE})")
  double warmup = 10;

  @Option(names = "--seconds", description = "the window's length (default: ${DEFAULT-VALUE})")
  double seconds = 30;

  @Option(names = "--min-updates", description = "updates that show every worker has started (default: ${DEFAULT-VALUE})")
  long minUpdates = 10;

  @Option(names = "--start-timeout", description = "seconds to wait for --min-updates before giving up (default: ${DEFAULT-VALUE})")
  double startTimeout = 180;

  @Option(names = "--counter", paramLabel = "FILE", description = "a byte counter to difference over the window; repeatable")
  List<Path> counters = new ArrayList<>();

  @Option(names = "--cpu-of", paramLabel = "PID", description = "a process whose CPU time, with its descendants', counts; repeatable")
  List<Long> cpuOf = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new StatusWindow()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!(warmup >= 0) || !(seconds > 0) || !(startTimeout > 0) || minUpdates < 0) {
      System.err.println("status-window: --warmup >= 0, --seconds > 0, --start-timeout > 0 and --min-updates >= 0 are required");
      return 2;
    }
    ManagedChannel channel = Channels.open(ps, authToken, null);
    try {
      ParameterServerGrpc.BlockingStub stub = ParameterServerGrpc.newBlockingStub(channel);
      long giveUp = System.nanoTime() + (long) (startTimeout * 1e9);
      GetStatusResponse status = poll(stub);
      while (status == null || status.getUpdates() < minUpdates) {
        if (System.nanoTime() > giveUp) {
          System.err.printf(Locale.ROOT, "status-window: %d updates at %s after %.0f s, fewer than --min-updates %d%n",
              status == null ? 0 : status.getUpdates(), ps, startTimeout, minUpdates);
          return 1;
        }
        Thread.sleep(250);
        status = poll(stub);
      }
      Thread.sleep((long) (warmup * 1000));
      Sample first = sample(stub);
      Thread.sleep((long) (seconds * 1000));
      Sample last = sample(stub);
      double wall = (last.nanos - first.nanos) / 1e9;
      long updates = last.status.getUpdates() - first.status.getUpdates();
      double staleness = updates == 0 ? 0 : (last.status.getMeanStaleness() * last.status.getUpdates()
          - first.status.getMeanStaleness() * first.status.getUpdates()) / updates;
      long relayed = last.status.getRelayedUpdates() - first.status.getRelayedUpdates();
      double relayStaleness = relayed == 0 ? 0 : (last.status.getMeanRelayStaleness() * last.status.getRelayedUpdates()
          - first.status.getMeanRelayStaleness() * first.status.getRelayedUpdates()) / relayed;
      System.out.printf(Locale.ROOT, "status-window seconds=%.1f agent_steps_per_s=%.1f updates=%d link_bytes=%d staleness=%.2f "
          + "relay_staleness=%.2f cpu_ms_per_update=%.2f cpu_split=%s%n", wall,
          (last.status.getGlobalStep() - first.status.getGlobalStep()) / wall, updates, last.bytes - first.bytes, staleness,
          relayStaleness, perUpdate(total(last.cpuNanos) - total(first.cpuNanos), updates),
          split(first.cpuNanos, last.cpuNanos, updates));
      return 0;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private Sample sample(ParameterServerGrpc.BlockingStub stub) throws IOException {
    GetStatusResponse status = poll(stub);
    if (status == null) {
      throw new IOException("the parameter server at " + ps + " stopped answering during the window");
    }
    long bytes = 0;
    for (Path counter : counters) {
      bytes += Long.parseLong(Files.readString(counter).trim());
    }
    return new Sample(System.nanoTime(), status, bytes, cpuNanos(cpuOf));
  }

  /**
   * The CPU time so far of the processes and their living descendants, by program ({@link #program});
   * none for one that is gone.
   */
  static Map<String, Long> cpuNanos(List<Long> pids) {
    Map<String, Long> nanos = new TreeMap<>();
    for (long pid : pids) {
      ProcessHandle root = ProcessHandle.of(pid).orElse(null);
      if (root == null) {
        continue;
      }
      Stream.concat(Stream.of(root), root.descendants())
          .forEach(process -> nanos.merge(program(process), cpuNanos(process), Long::sum));
    }
    return nanos;
  }

  /** What a process runs, by the main class on its command line; "other" for the scripts around them. */
  static String program(ProcessHandle process) {
    String command = process.info().commandLine().orElse("");
    for (Map.Entry<String, String> program : PROGRAMS.entrySet()) {
      if (command.contains(program.getKey())) {
        return program.getValue();
      }
    }
    return "other";
  }

  static long total(Map<String, Long> nanos) {
    return nanos.values().stream().mapToLong(Long::longValue).sum();
  }

  private static double perUpdate(long nanos, long updates) {
    return updates == 0 ? 0 : nanos / 1e6 / updates;
  }

  /** Each program's CPU per update over the window, as {@code relay:3.10,server:3.95,...}. */
  private static String split(Map<String, Long> first, Map<String, Long> last, long updates) {
    StringBuilder split = new StringBuilder();
    for (Map.Entry<String, Long> program : last.entrySet()) {
      split.append(split.isEmpty() ? "" : ",").append(program.getKey()).append(':').append(String.format(Locale.ROOT, "%.2f",
          perUpdate(program.getValue() - first.getOrDefault(program.getKey(), 0L), updates)));
    }
    return split.isEmpty() ? "none" : split.toString();
  }

  private static long cpuNanos(ProcessHandle process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  private static GetStatusResponse poll(ParameterServerGrpc.BlockingStub stub) {
    try {
      return stub.withDeadlineAfter(5, TimeUnit.SECONDS).getStatus(GetStatusRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      return null;
    }
  }

  private record Sample(long nanos, GetStatusResponse status, long bytes, Map<String, Long> cpuNanos) {}
}
