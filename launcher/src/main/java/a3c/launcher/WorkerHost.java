package a3c.launcher;

import a3c.jvm.JvmOptions;
import a3c.net.Channels;
import a3c.net.ServerTrustOptions;
import a3c.proto.GetStatusResponse;
import a3c.proto.StopReason;
import a3c.ps.ServerExit;
import a3c.relay.RelayCommand;
import a3c.rpc.ParameterServerGrpc;
import a3c.supervise.ChildSpec;
import a3c.supervise.JvmCache;
import a3c.supervise.RestartPolicy;
import a3c.supervise.SharedMemoryDirs;
import a3c.supervise.SupervisedChild;
import a3c.worker.WorkerCommand;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/launcher --ps HOST:PORT}: a worker host. It starts no parameter server; it runs one
 * relay (the host's only connection to the server) and N workers that reach the relay as workers
 * reach a local server, through its loopback port and shared memory. The relay and the workers are
 * supervised as a local run's workers are: restarted with backoff when they die, stopped in order,
 * never left behind, started from ahead-of-time JVM caches ({@link JvmCache}). The run ends when the
 * server ends it, when every worker has stopped for good, or on request.
 */
final class WorkerHost {
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);
  /** The relay holds nothing worth losing a run over: restart it as often as it takes. */
  private static final int RELAY_RESTARTS = 100;

  private final WorkerHostConfig config;
  private final Console console;
  /** The relay's and the workers' JVM caches, or null for none. */
  private final JvmCache jvmCache;
  private final List<SupervisedChild> workers = new CopyOnWriteArrayList<>();
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private volatile SupervisedChild relay;
  private Path sharedMemory;
  private int relayPort;

  WorkerHost(WorkerHostConfig config, PrintWriter console) {
    this.config = config;
    this.console = new Console(console, false);
    this.jvmCache = config.jvmCache() == null ? null : new JvmCache(config.jvmCache());
  }

  /** Graceful stop: nothing is restarted from now on, every child is asked to stop. */
  void requestStop() {
    stopRequested.countDown();
    workers.forEach(SupervisedChild::terminate);
    SupervisedChild current = relay;
    if (current != null) {
      current.terminate();
    }
  }

  /** Runs the host; returns its outcome, or throws when the server refuses this host's token or trains another game. */
  RunOutcome run() throws IOException, InterruptedException, ServerWait.Refused {
    Files.createDirectories(config.runDir());
    ManagedChannel channel = Channels.open(config.psTarget(), config.authToken(), config.tls());
    long startNanos = System.nanoTime();
    try {
      ParameterServerGrpc.BlockingStub stub = ParameterServerGrpc.newBlockingStub(channel);
      GetStatusResponse first = ServerWait.await(stub, config.psTarget(), config.retryFor(), stopRequested, console::say);
      if (first == null) {
        if (stopRequested.getCount() == 0) {
          return RunOutcome.STOPPED_BY_USER;
        }
        console.say("the parameter server at " + config.psTarget() + " did not answer within " + config.retryFor().toSeconds() + " s");
        return RunOutcome.FAILURE;
      }
      if (!first.getEnvName().isEmpty() && !first.getEnvName().equals(config.envName())) {
        // Each worker would be refused at its Register, restarted, and refused again.
        throw new ServerWait.Refused("the parameter server at " + config.psTarget() + " trains " + first.getEnvName()
            + ", not " + config.envName() + " (start this host with --env-name " + first.getEnvName() + ")");
      }
      console.say("parameter server at " + config.psTarget() + " answers (global step " + first.getGlobalStep() + ")");
      sharedMemory = SharedMemoryDirs.create("host-" + config.runDir().getFileName());
      relayPort = freeLoopbackPort();
      relay = new SupervisedChild(this::relaySpec, new RestartPolicy(RELAY_RESTARTS, Duration.ofSeconds(1), Duration.ofSeconds(10)),
          code -> code != 0 && code != 2, console::say).start();
      for (int i = 0; i < config.workers(); i++) {
        int index = config.firstWorkerIndex() + i;
        workers.add(new SupervisedChild(() -> workerSpec(index),
            new RestartPolicy(config.workerRestarts(), Duration.ofSeconds(1), Duration.ofSeconds(30)),
            code -> code != 0 && code != 2, console::say).start());
      }
      if (stopRequested.getCount() == 0) {
        requestStop();
      }
      return monitor(stub, startNanos);
    } finally {
      SupervisedChild.stopAll(workers, SHUTDOWN_GRACE);
      if (relay != null) {
        relay.terminate();
        relay.stop(SHUTDOWN_GRACE);
      }
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      SharedMemoryDirs.delete(sharedMemory);
      console.say(String.format(Locale.ROOT, "host-summary workers=%d seconds=%.1f relay_restarts=%d",
          config.workers(), (System.nanoTime() - startNanos) / 1e9, relay == null ? 0 : relay.restarts()));
      if (jvmCache != null) {
        // After the summary, as a local run does: the first run of a build pays these seconds once.
        jvmCache.assemble().forEach(console::say);
      }
    }
  }

  private RunOutcome monitor(ParameterServerGrpc.BlockingStub stub, long startNanos) throws InterruptedException {
    long nextProgress = System.nanoTime() + config.progressEvery().toNanos();
    StopReason stop = StopReason.STOP_REASON_NONE;
    while (true) {
      if (workers.stream().allMatch(worker -> worker.finished().isDone())) {
        console.say("every worker of this host has stopped" + (stop == StopReason.STOP_REASON_NONE ? " for good" : ": " + stop));
        return stopRequested.getCount() == 0 ? RunOutcome.STOPPED_BY_USER : RunOutcome.of(ServerExit.of(stop));
      }
      // Null while the server restarts or the link is down: the relay and the workers retry on their own.
      GetStatusResponse status = StatusPoll.poll(stub, null);
      if (status != null) {
        if (status.getStop() != StopReason.STOP_REASON_NONE && stop == StopReason.STOP_REASON_NONE) {
          stop = status.getStop();
          console.say("the parameter server ended the run: " + stop + "; waiting for this host's workers to hear it");
        }
        if (System.nanoTime() >= nextProgress) {
          nextProgress = StatusPoll.nextProgress(nextProgress, config.progressEvery().toNanos(), System.nanoTime());
          console.say(String.format(Locale.ROOT, "progress seconds=%.0f agent_steps=%d updates=%d episodes=%d mean100=%.2f "
              + "mean_staleness=%.2f relay_staleness=%.2f server_workers=%d relay_restarts=%d",
              (System.nanoTime() - startNanos) / 1e9, status.getGlobalStep(), status.getUpdates(), status.getEpisodes(),
              status.getMean100(), status.getMeanStaleness(), status.getMeanRelayStaleness(), status.getWorkersCount(),
              relay.restarts()));
        }
      }
      if (stopRequested.await(500, TimeUnit.MILLISECONDS)) {
        console.say("stopping on request");
        return RunOutcome.STOPPED_BY_USER;
      }
    }
  }

  private ChildSpec relaySpec() {
    List<String> args = List.of("--ps", config.psTarget(), "--port", Integer.toString(relayPort),
        "--shared-memory-dir", sharedMemory.toString(), "--wire-dtype", config.wireDtype(),
        "--parent-pid", Long.toString(ProcessHandle.current().pid()));
    List<String> withTls = new ArrayList<>(args);
    withTls.addAll(ServerTrustOptions.args(config.tls()));
    return childJvm("relay", JvmOptions.Kind.RELAY, true, RelayCommand.class.getName(), withTls);
  }

  private ChildSpec workerSpec(int index) {
    List<String> args = new ArrayList<>(List.of("--ps", "127.0.0.1:" + relayPort, "--worker-index", Integer.toString(index),
        "--worker-id", hostname() + "-" + index, "--shared-memory-dir", sharedMemory.toString(),
        "--parent-pid", Long.toString(ProcessHandle.current().pid())));
    args.addAll(config.workerArgs());
    // One worker records for all: they would all write the same recording.
    return childJvm("worker-" + index, JvmOptions.Kind.WORKER, index == config.firstWorkerIndex(), WorkerCommand.class.getName(), args);
  }

  private ChildSpec childJvm(String name, JvmOptions.Kind kind, boolean record, String mainClass, List<String> args) {
    return ChildCommands.childJvm(jvmCache, config.runDir(), config.authToken(), name, kind, record, mainClass, args);
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    }
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
    } catch (UnknownHostException e) {
      return "host";
    }
  }
}
