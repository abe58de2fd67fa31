package a3c.launcher;

import a3c.proto.GetStatusResponse;
import a3c.proto.StopReason;
import a3c.ps.ServerExit;
import a3c.net.Channels;
import a3c.rpc.ParameterServerGrpc;
import a3c.supervise.HangWatchdog;
import a3c.supervise.JvmCache;
import a3c.supervise.RestartPolicy;
import a3c.supervise.SharedMemoryDirs;
import a3c.supervise.SupervisedChild;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One local run's children, from start to stop: the parameter server and N workers. Workers that die
 * are restarted with backoff; a server that fails is restarted from its newest checkpoint and the
 * workers reconnect on their own; a hung child is killed and restarted. The run ends when the server
 * says so (its live status while it runs, its exit code once it has exited: {@link ServerExit}), when
 * every worker has stopped for good, at {@code --max-seconds}, or on request; then every child is
 * stopped, workers first.
 */
final class RunSupervisor {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);
  private static final Duration SERVER_EXIT_WAIT = Duration.ofSeconds(10);

  /** How a run ended, and the server's last counters. */
  record Ended(RunOutcome outcome, GetStatusResponse last) {}

  private final LaunchConfig config;
  private final Console console;
  private final ScoresChart scores;
  private final JvmCache jvmCache;
  // Read by the signal handlers' threads too.
  private final List<SupervisedChild> workers = new CopyOnWriteArrayList<>();
  private volatile SupervisedChild ps;
  private volatile boolean userStop;
  private volatile Path sharedMemory;
  private GetStatusResponse lastStatus = GetStatusResponse.getDefaultInstance();
  private HangCheck hangs;

  /** @param jvmCache the JVM caches the children use and record, or null for none */
  RunSupervisor(LaunchConfig config, Console console, ScoresChart scores, JvmCache jvmCache) {
    this.config = config;
    this.console = console;
    this.scores = scores;
    this.jvmCache = jvmCache;
  }

  /** No child is restarted from now on, and each is asked to stop (SIGTERM). */
  void requestStop() {
    userStop = true;
    terminateChildren();
  }

  private void terminateChildren() {
    SupervisedChild server = ps;
    if (server != null) {
      server.terminate();
    }
    workers.forEach(SupervisedChild::terminate);
  }

  /** Every child stops at once (SIGKILL). */
  void killAll() {
    workers.forEach(SupervisedChild::kill);
    SupervisedChild server = ps;
    if (server != null) {
      server.kill();
    }
    // A killed server leaves its shared-memory files, which hold RAM until deleted.
    try {
      SharedMemoryDirs.delete(sharedMemory);
    } catch (UncheckedIOException e) {
      console.say("[launcher] " + e.getMessage() + ": " + e.getCause().getMessage());
    }
  }

  /** Starts the children, supervises them until the run ends, and stops them all. */
  Ended run(long startNanos) throws IOException, InterruptedException {
    RunOutcome outcome;
    ManagedChannel channel = Channels.open(config.psTarget(), config.authToken(), config.clientTls());
    // Without local workers (a server for worker hosts) nobody would read the copy of the model the
    // server writes into shared memory at every update.
    sharedMemory = config.sharedMemory() && config.workers() > 0
        ? SharedMemoryDirs.create(config.runDir().getFileName().toString()) : null;
    ChildCommands commands = new ChildCommands(config, sharedMemory, jvmCache);
    hangs = new HangCheck(new HangWatchdog(Clock.systemUTC(), config.hangTimeout(),
        READY_TIMEOUT.compareTo(config.hangTimeout()) > 0 ? READY_TIMEOUT : config.hangTimeout()), HealthGrpc.newBlockingStub(channel),
        console::say);
    try {
      ps = new SupervisedChild(commands::server, new RestartPolicy(config.psRestarts(), Duration.ofSeconds(1), Duration.ofSeconds(10)),
          code -> ServerExit.of(code).worthRestarting(), console::say).start();
      // Workers start with the server, not after it: their JVMs and libtorch take longer to come up
      // than the server does, and until it answers they retry on their own.
      for (int i = 0; i < config.workers(); i++) {
        int index = i;
        workers.add(new SupervisedChild(() -> commands.worker(index),
            new RestartPolicy(config.workerRestarts(), Duration.ofSeconds(1), Duration.ofSeconds(30)),
            code -> code != 0 && code != 2, console::say).start());
      }
      if (userStop) {
        // Asked to stop while the children were starting: those started since are asked too.
        terminateChildren();
      }
      ParameterServerGrpc.BlockingStub stub = ParameterServerGrpc.newBlockingStub(channel);
      GetStatusResponse ready = awaitReady(stub);
      if (ready == null) {
        outcome = userStop ? RunOutcome.STOPPED_BY_USER : RunOutcome.FAILURE;
      } else {
        lastStatus = ready;
        if (!ps.finished().isDone()) {
          console.say("parameter server ready on " + config.bind() + ":" + config.port());
        }
        outcome = monitor(stub, startNanos);
        lastStatus = StatusPoll.poll(stub, lastStatus);
      }
    } finally {
      SupervisedChild.stopAll(workers, SHUTDOWN_GRACE);
      if (ps != null) {
        ps.terminate();
        ps.stop(SHUTDOWN_GRACE);
      }
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      SharedMemoryDirs.delete(sharedMemory);
    }
    return new Ended(outcome, StatusPoll.withFinalCounters(config.checkpointDir(), lastStatus));
  }

  private RunOutcome monitor(ParameterServerGrpc.BlockingStub stub, long startNanos) throws InterruptedException {
    long nextProgress = System.nanoTime() + config.progressEvery().toNanos();
    boolean timeUp = false;
    while (true) {
      if (ps.finished().isDone()) {
        // The server ended: after a stop it exits on its own, often before the next poll, with a code
        // that says why; otherwise its restarts are spent.
        lastStatus = StatusPoll.withFinalCounters(config.checkpointDir(), lastStatus);
        return outcomeOf(ServerExit.of(ps.finished().join()), timeUp);
      }
      GetStatusResponse status = StatusPoll.poll(stub, null);
      hangs.check(ps, workersById(), status);
      if (status != null) {
        lastStatus = status;
        if (status.getStop() != StopReason.STOP_REASON_NONE) {
          console.say("the parameter server ended the run: " + status.getStop());
          return outcomeOf(ServerExit.of(status.getStop()), timeUp);
        }
        if (System.nanoTime() >= nextProgress) {
          console.progress(StatusLines.progress(status, config.resumedFrom(), (System.nanoTime() - startNanos) / 1e9));
          nextProgress = StatusPoll.nextProgress(nextProgress, config.progressEvery().toNanos(), System.nanoTime());
          scores.draw();
        }
      }
      if (!workers.isEmpty() && workers.stream().allMatch(worker -> worker.finished().isDone())) {
        console.say("every worker has stopped for good");
        return outcomeOf(whyWorkersStopped(stub), timeUp);
      }
      if (!timeUp && config.maxRuntime() != null && System.nanoTime() - startNanos >= config.maxRuntime().toNanos()) {
        console.say("--max-seconds reached: stopping the run");
        timeUp = true;
        ps.terminate();
      }
      if (userStop) {
        console.say("stopping on request");
        return RunOutcome.STOPPED_BY_USER;
      }
      Thread.sleep(500);
    }
  }

  /**
   * How the server's run went, once every worker has stopped. Workers leave as soon as they hear the
   * server's stop, often before this launcher's next poll has seen it and while the server is still
   * writing its final checkpoint, so a status without a stop waits briefly for the server's exit.
   */
  private ServerExit whyWorkersStopped(ParameterServerGrpc.BlockingStub stub) throws InterruptedException {
    lastStatus = StatusPoll.poll(stub, lastStatus);
    if (lastStatus.getStop() != StopReason.STOP_REASON_NONE) {
      return ServerExit.of(lastStatus.getStop());
    }
    try {
      int code = ps.finished().get(SERVER_EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      lastStatus = StatusPoll.withFinalCounters(config.checkpointDir(), lastStatus);
      return ServerExit.of(code);
    } catch (TimeoutException | ExecutionException e) {
      // The server runs on: the workers stopped for their own reasons.
      return ServerExit.FAILURE;
    }
  }

  private RunOutcome outcomeOf(ServerExit server, boolean timeUp) {
    if (userStop) {
      return RunOutcome.STOPPED_BY_USER;
    }
    if (timeUp) {
      return RunOutcome.TIME_LIMIT;
    }
    return RunOutcome.of(server);
  }

  /**
   * The server's first status (an empty one when it already ended the run and exited), or null
   * (said why) when it failed, did not answer in time, or the user stopped the run.
   */
  private GetStatusResponse awaitReady(ParameterServerGrpc.BlockingStub stub) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (userStop) {
        console.say("stopping on request before the parameter server was ready");
        return null;
      }
      if (ps.finished().isDone()) {
        if (ServerExit.of(ps.finished().join()).endedTheRun()) {
          // A short run can end before the first poll; the monitor takes how from the exit code.
          return GetStatusResponse.getDefaultInstance();
        }
        console.say("the parameter server exited with " + ps.finished().join() + " before it was ready; see its lines above");
        return null;
      }
      GetStatusResponse status = StatusPoll.poll(stub, null);
      if (status != null) {
        return status;
      }
      Thread.sleep(200);
    }
    console.say("the parameter server was not ready within " + READY_TIMEOUT.toSeconds() + " s");
    return null;
  }

  private Map<String, SupervisedChild> workersById() {
    Map<String, SupervisedChild> byId = new HashMap<>();
    for (int i = 0; i < workers.size(); i++) {
      byId.put(ChildCommands.workerId(i), workers.get(i));
    }
    return byId;
  }
}
