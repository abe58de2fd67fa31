package a3c.launcher;

import a3c.checkpoint.CheckpointException;
import a3c.checkpoint.CheckpointFolder;
import a3c.files.WriteFailures;
import a3c.jvm.JvmOptions;
import a3c.machine.Machine;
import a3c.proto.Checkpoint;
import a3c.proto.GetStatusRequest;
import a3c.proto.GetStatusResponse;
import a3c.proto.StopReason;
import a3c.plot.Measure;
import a3c.plot.ScorePlot;
import a3c.ps.ParameterServer;
import a3c.ps.ParameterServerCommand;
import a3c.ps.ServerExit;
import a3c.rpc.Channels;
import a3c.rpc.ParameterServerGrpc;
import a3c.supervise.ChildSpec;
import a3c.supervise.HangWatchdog;
import a3c.supervise.JvmCache;
import a3c.supervise.RestartPolicy;
import a3c.supervise.SharedMemoryDirs;
import a3c.supervise.SupervisedChild;
import a3c.worker.WorkerCommand;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one training job as the reference's {@code main.py} does, but with processes that are JVMs:
 * a parameter server, then N workers, all supervised. Workers that die are restarted with backoff;
 * a parameter server that dies is restarted from its newest checkpoint and the workers reconnect on
 * their own. The run ends when the server says so (target or step limit), at {@code --max-seconds},
 * or when the user stops it; then everything is shut down in order and one summary line printed.
 * Why the server ended the run comes from its live status or, once it has exited, its exit code
 * ({@link ServerExit}).
 */
public final class Launcher {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);
  private static final Duration SERVER_EXIT_WAIT = Duration.ofSeconds(10);
  private static final int EPISODES_HEADER_BYTES = 80;

  private static final String CLEAR_LINE = "\r\033[K";

  private final LaunchConfig config;
  private final PrintWriter console;
  private final boolean terminal;
  private String statusLine;
  private final Object outputLock = new Object();
  // Read by the signal handlers' threads too.
  private final List<SupervisedChild> workers = new CopyOnWriteArrayList<>();
  private Writer log;
  private volatile SupervisedChild ps;
  private volatile boolean userStop;
  private GetStatusResponse lastStatus = GetStatusResponse.getDefaultInstance();
  private volatile Path sharedMemory;
  /** The run folder's newest checkpoint before this launch (an earlier run's, continued with --resume); null for none. */
  private Path newestAtLaunch;
  private final JvmCache jvmCache;
  private HangCheck hangs;
  private final WriteFailures plotFailures = new WriteFailures(line -> say("[launcher] " + line));
  /** Not through {@link #say}, which writes launcher.log. */
  private final WriteFailures logFailures;

  /** @param terminal whether the console is a terminal, where the progress line is rewritten in place */
  public Launcher(LaunchConfig config, PrintWriter console, boolean terminal) {
    this.config = config;
    this.console = console;
    this.terminal = terminal;
    this.jvmCache = config.jvmCache() == null ? null : new JvmCache(config.jvmCache());
    this.logFailures = new WriteFailures(line -> console.println("[launcher] " + line));
  }

  /**
   * First Ctrl-C or SIGTERM: a graceful stop with a final checkpoint. No child is restarted from now
   * on, and each is asked to stop (SIGTERM) as a Ctrl-C at a terminal asks them all (SIGINT to the
   * process group): the server writes its final checkpoint, a worker ends its rollout or its wait.
   */
  public void requestStop() {
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

  /** Second Ctrl-C: everything stops at once. */
  public void killAll() {
    workers.forEach(SupervisedChild::kill);
    SupervisedChild server = ps;
    if (server != null) {
      server.kill();
    }
    // A killed server leaves its shared-memory files, which hold RAM until deleted.
    try {
      SharedMemoryDirs.delete(sharedMemory);
    } catch (UncheckedIOException e) {
      say("[launcher] " + e.getMessage() + ": " + e.getCause().getMessage());
    }
  }

  public RunOutcome run() throws IOException, InterruptedException {
    Files.createDirectories(config.runDir());
    log = Files.newBufferedWriter(config.runDir().resolve("launcher.log"), StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    long startNanos = System.nanoTime();
    RunOutcome outcome;
    ManagedChannel channel = Channels.open(config.psTarget(), config.authToken(), null);
    sharedMemory = config.sharedMemory() ? SharedMemoryDirs.create(config.runDir().getFileName().toString()) : null;
    List<Path> atLaunch = CheckpointFolder.list(config.checkpointDir());
    newestAtLaunch = atLaunch.isEmpty() ? null : atLaunch.getLast();
    hangs = new HangCheck(new HangWatchdog(Clock.systemUTC(), config.hangTimeout(),
        READY_TIMEOUT.compareTo(config.hangTimeout()) > 0 ? READY_TIMEOUT : config.hangTimeout()), HealthGrpc.newBlockingStub(channel), this::say);
    try {
      say("run directory " + config.runDir().toAbsolutePath());
      say(Machine.current().toString());
      ps = new SupervisedChild(this::psSpec, new RestartPolicy(config.psRestarts(), Duration.ofSeconds(1), Duration.ofSeconds(10)),
          code -> ServerExit.of(code).worthRestarting(), this::say).start();
      // Workers start with the server, not after it: their JVMs and libtorch take longer to come up
      // than the server does, and until it answers they retry on their own.
      for (int i = 0; i < config.workers(); i++) {
        int index = i;
        workers.add(new SupervisedChild(() -> workerSpec(index),
            new RestartPolicy(config.workerRestarts(), Duration.ofSeconds(1), Duration.ofSeconds(30)),
            code -> code != 0 && code != 2, this::say).start());
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
          say("parameter server ready on " + config.bind() + ":" + config.port());
        }
        outcome = monitor(stub, startNanos);
        lastStatus = statusOr(stub, lastStatus);
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
    lastStatus = finalStatus(lastStatus);
    synchronized (outputLock) {
      // The last progress line stays on screen as an ordinary line.
      if (statusLine != null) {
        console.println();
        statusLine = null;
      }
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    say(String.format(Locale.ROOT, "run-summary env=%s workers=%d seconds=%.1f agent_steps=%d agent_steps_per_s=%.1f updates_per_s=%.2f "
        + "episodes=%d mean100=%.2f round_mean100=%.2f exit=%s", config.envName(), config.workers(), seconds, lastStatus.getGlobalStep(),
        perSecond(lastStatus.getGlobalStep(), config.resumedFrom().getGlobalStep(), seconds),
        perSecond(lastStatus.getUpdates(), config.resumedFrom().getUpdates(), seconds), lastStatus.getEpisodes(),
        lastStatus.getMean100(), lastStatus.getRoundMean100(), outcome.label()));
    drawScores();
    if (outcome == RunOutcome.TARGET_REACHED && config.testGames() > 0) {
      CheckpointFolder.Loaded trained = CheckpointFolder.load(config.checkpointDir());
      say("test phase: " + config.testGames() + " greedy games with " + trained.file());
      TestGames.play(config.envName(), config.romDir(), trained.checkpoint(), config.testGames(), 0, config.runDir(), console,
          config.engine());
    }
    if (jvmCache != null) {
      // After the summary: the first run of a build pays these seconds once, outside its own figures.
      jvmCache.assemble().forEach(line -> say("[launcher] " + line));
    }
    log.close();
    return outcome;
  }

  private RunOutcome monitor(ParameterServerGrpc.BlockingStub stub, long startNanos) throws InterruptedException {
    long nextProgress = System.nanoTime() + config.progressEvery().toNanos();
    boolean timeUp = false;
    while (true) {
      if (ps.finished().isDone()) {
        // The server ended: after a stop it exits on its own, often before the next poll, with a code
        // that says why; otherwise its restarts are spent.
        lastStatus = finalStatus(lastStatus);
        return outcomeOf(ServerExit.of(ps.finished().join()), timeUp);
      }
      GetStatusResponse status = statusOr(stub, null);
      hangs.check(ps, workersById(), status);
      if (status != null) {
        lastStatus = status;
        if (status.getStop() != StopReason.STOP_REASON_NONE) {
          say("the parameter server ended the run: " + status.getStop());
          return outcomeOf(ServerExit.of(status.getStop()), timeUp);
        }
        if (System.nanoTime() >= nextProgress) {
          progress(status, (System.nanoTime() - startNanos) / 1e9);
          nextProgress += config.progressEvery().toNanos();
          drawScores();
        }
      }
      if (!workers.isEmpty() && workers.stream().allMatch(worker -> worker.finished().isDone())) {
        say("every worker has stopped for good");
        return outcomeOf(whyWorkersStopped(stub), timeUp);
      }
      if (!timeUp && config.maxRuntime() != null && System.nanoTime() - startNanos >= config.maxRuntime().toNanos()) {
        say("--max-seconds reached: stopping the run");
        timeUp = true;
        ps.terminate();
      }
      if (userStop) {
        say("stopping on request");
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
    lastStatus = statusOr(stub, lastStatus);
    if (lastStatus.getStop() != StopReason.STOP_REASON_NONE) {
      return ServerExit.of(lastStatus.getStop());
    }
    try {
      int code = ps.finished().get(SERVER_EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      lastStatus = finalStatus(lastStatus);
      return ServerExit.of(code);
    } catch (TimeoutException | ExecutionException e) {
      // The server runs on: the workers stopped for their own reasons.
      return ServerExit.FAILURE;
    }
  }

  /**
   * The server's final checkpoint as a status, when there is one at least as new as {@code seen};
   * else {@code seen}. For the summary's counters only: the server exits as soon as every worker has
   * heard its stop, often before the next poll, so the last status seen can miss the final updates
   * and episodes. Why the run ended comes from the server's exit code, never from here.
   */
  private GetStatusResponse finalStatus(GetStatusResponse seen) {
    if (!Files.isDirectory(config.checkpointDir())) {
      return seen;
    }
    try {
      Checkpoint last = CheckpointFolder.load(config.checkpointDir()).checkpoint();
      boolean isFinal = last.getStop() != StopReason.STOP_REASON_NONE && last.getVersion() >= seen.getVersion();
      return isFinal ? ParameterServer.status(last) : seen;
    } catch (CheckpointException e) {
      return seen;
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

  /** Redraws {@code scores.png} from {@code episodes.csv}, once there are episodes; a failure is only logged. */
  private void drawScores() {
    Path episodes = config.runDir().resolve("episodes.csv");
    try {
      if (Files.exists(episodes) && Files.size(episodes) > EPISODES_HEADER_BYTES) {
        ScorePlot.draw(List.of(config.runDir()), ScorePlot.Axis.EPISODES, List.of(Measure.MEAN100), null,
            config.runDir().resolve("scores.png"));
        plotFailures.succeeded("scores.png");
      }
    } catch (IOException | RuntimeException e) {
      plotFailures.failed("scores.png", e);
    }
  }

  /**
   * The server's first status (an empty one when it already ended the run and exited), or
   * null (said why) when it failed, did not answer in time, or the user stopped the run.
   */
  private GetStatusResponse awaitReady(ParameterServerGrpc.BlockingStub stub) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (userStop) {
        say("stopping on request before the parameter server was ready");
        return null;
      }
      if (ps.finished().isDone()) {
        if (ServerExit.of(ps.finished().join()).endedTheRun()) {
          // A short run can end before the first poll; the monitor takes how from the exit code.
          return GetStatusResponse.getDefaultInstance();
        }
        say("the parameter server exited with " + ps.finished().join() + " before it was ready; see its lines above");
        return null;
      }
      GetStatusResponse status = statusOr(stub, null);
      if (status != null) {
        return status;
      }
      Thread.sleep(200);
    }
    say("the parameter server was not ready within " + READY_TIMEOUT.toSeconds() + " s");
    return null;
  }

  private static GetStatusResponse statusOr(ParameterServerGrpc.BlockingStub stub, GetStatusResponse fallback) {
    try {
      return stub.withDeadlineAfter(5, TimeUnit.SECONDS).getStatus(GetStatusRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      return fallback;
    }
  }

  private ChildSpec psSpec() {
    List<String> args = new ArrayList<>(List.of("--port", Integer.toString(config.port()), "--bind", config.bind(),
        "--checkpoint-dir", config.checkpointDir().toString(), "--episodes-csv", config.runDir().resolve("episodes.csv").toString(),
        "--tensorboard-dir", config.runDir().toString(),
        "--parent-pid", Long.toString(ProcessHandle.current().pid())));
    args.addAll(config.psArgs());
    if (sharedMemory != null) {
      args.addAll(List.of("--shared-memory-dir", sharedMemory.toString()));
    }
    // A restarted server resumes the newest checkpoint this launch wrote; until there is one, what
    // --resume names, as the first start does.
    List<Path> saved = CheckpointFolder.list(config.checkpointDir());
    if (!saved.isEmpty() && !saved.getLast().equals(newestAtLaunch)) {
      args.addAll(List.of("--resume", config.checkpointDir().toString()));
    } else if (config.resume() != null) {
      args.addAll(List.of("--resume", config.resume().toString()));
    }
    return childJvm("ps", JvmOptions.Kind.SERVER, true, ParameterServerCommand.class.getName(), args);
  }

  private Map<String, SupervisedChild> workersById() {
    Map<String, SupervisedChild> byId = new HashMap<>();
    for (int i = 0; i < workers.size(); i++) {
      byId.put(workerId(i), workers.get(i));
    }
    return byId;
  }

  private static String workerId(int index) {
    return "worker-" + index;
  }

  private ChildSpec workerSpec(int index) {
    List<String> args = new ArrayList<>(List.of("--ps", config.psTarget(), "--worker-index", Integer.toString(index),
        "--worker-id", workerId(index), "--parent-pid", Long.toString(ProcessHandle.current().pid())));
    args.addAll(config.workerArgs());
    if (sharedMemory != null) {
      args.addAll(List.of("--shared-memory-dir", sharedMemory.toString()));
    }
    // One worker records for all: they would all write the same recording.
    ChildSpec worker = childJvm("worker-" + index, JvmOptions.Kind.WORKER, index == 0, WorkerCommand.class.getName(), args);
    return config.affinity().pin(worker, index);
  }

  private ChildSpec childJvm(String name, JvmOptions.Kind kind, boolean record, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>(ChildSpec.javaCommand(kind));
    if (jvmCache != null) {
      command.addAll(jvmCache.options(kind.label(), List.copyOf(command), record));
    }
    return ChildSpec.jvm(name, config.runDir(), secrets(), command, mainClass, args);
  }

  private Map<String, String> secrets() {
    return config.authToken() == null ? Map.of() : Map.of("A3C_AUTH_TOKEN", config.authToken());
  }

  /**
   * One progress line: on a terminal it stays at the bottom and is rewritten in place, elsewhere
   * (a pipe, a file) it is printed like any other line; launcher.log gets every one.
   */
  private void progress(GetStatusResponse status, double seconds) {
    long step = status.getGlobalStep();
    GetStatusResponse start = config.resumedFrom();
    double stepsPerSecond = perSecond(step, start.getGlobalStep(), seconds);
    long maxSteps = status.getMaxSteps();
    String left = maxSteps > 0 && stepsPerSecond > 0 && step < maxSteps
        ? " to_step_limit=" + clock((maxSteps - step) / stepsPerSecond) : "";
    String line = String.format(Locale.ROOT, "progress seconds=%.0f elapsed=%s agent_steps=%d agent_steps_per_s=%.1f frames_per_s=%.0f "
        + "updates_per_s=%.2f episodes=%d mean100=%.2f round_mean100=%.2f best=%.1f%s", seconds, clock(seconds), step, stepsPerSecond,
        perSecond(status.getFrames(), start.getFrames(), seconds), perSecond(status.getUpdates(), start.getUpdates(), seconds),
        status.getEpisodes(), status.getMean100(), status.getRoundMean100(), status.getBestScore(), left);
    if (!terminal) {
      say(line);
      return;
    }
    synchronized (outputLock) {
      statusLine = line;
      console.print(CLEAR_LINE + line);
      console.flush();
      writeLog(line);
    }
  }

  private static double perSecond(long count, long countAtStart, double seconds) {
    return Math.max(0, count - countAtStart) / seconds;
  }

  private static String clock(double seconds) {
    long whole = (long) seconds;
    return String.format(Locale.ROOT, "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60);
  }

  private void say(String line) {
    synchronized (outputLock) {
      if (statusLine != null) {
        console.print(CLEAR_LINE);
      }
      console.println(line);
      if (statusLine != null) {
        console.print(statusLine);
      }
      console.flush();
      writeLog(line);
    }
  }

  private void writeLog(String line) {
    try {
      log.write(line);
      log.write(System.lineSeparator());
      log.flush();
      logFailures.succeeded("launcher.log");
    } catch (IOException e) {
      logFailures.failed("launcher.log", e);
    }
  }
}
