package a3c.bench;

import a3c.net.Channels;
import a3c.proto.GetStatusRequest;
import a3c.proto.GetStatusResponse;
import a3c.rpc.ParameterServerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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
 */
@Command(name = "status-window", mixinStandardHelpOptions = true,
    description = "Agent steps/s, updates, staleness (and the relays' share) and link bytes over a window of a running training.")
public final class StatusWindow implements Callable<Integer> {
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
          + "relay_staleness=%.2f cpu_ms_per_update=%.2f%n", wall, (last.status.getGlobalStep() - first.status.getGlobalStep()) / wall,
          updates, last.bytes - first.bytes, staleness, relayStaleness,
          updates == 0 ? 0 : (last.cpuNanos - first.cpuNanos) / 1e6 / updates);
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

  /** The CPU time so far of the processes and their living descendants; 0 for one that is gone. */
  static long cpuNanos(List<Long> pids) {
    long nanos = 0;
    for (long pid : pids) {
      ProcessHandle root = ProcessHandle.of(pid).orElse(null);
      if (root == null) {
        continue;
      }
      nanos += cpuNanos(root);
      nanos += root.descendants().mapToLong(StatusWindow::cpuNanos).sum();
    }
    return nanos;
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

  private record Sample(long nanos, GetStatusResponse status, long bytes, long cpuNanos) {}
}
