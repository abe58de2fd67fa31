package a3c.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import a3c.checkpoint.CheckpointFolder;
import a3c.machine.Machine;
import a3c.net.Channels;
import a3c.net.ClientTls;
import a3c.proto.GetStatusRequest;
import a3c.proto.GetStatusResponse;
import a3c.proto.WorkerStatus;
import a3c.ps.ParameterServerCommand;
import a3c.rpc.ParameterServerGrpc;
import a3c.testing.ChildJvm;
import a3c.testing.TestCertificates;
import a3c.env.atari.TestRoms;
import a3c.learner.LearnerConfig;
import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.ps.ParameterServer;
import a3c.ps.ServerConfig;
import a3c.worker.WorkerCommand;
import a3c.worker.WorkerConfig;
import a3c.worker.WorkerRunner;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher as users run it: a child JVM that forks real parameter-server and worker JVMs, on CartPole. */
class LauncherTest {
  private static final Duration START = Duration.ofSeconds(120);
  private static final Duration RUN = Duration.ofSeconds(300);
  private static final String READY = "parameter server ready on 127\\.0\\.0\\.1:(\\d+)";

  @TempDir Path folder;

  private ChildJvm launch(String... extra) throws Exception {
    return launch(List.of(), extra);
  }

  private ChildJvm launch(List<String> jvmArgs, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--env-name", "CartPole-v1", "--port", "0", "--run-dir", folder.resolve("run").toString(),
        "--lr", "0.001", "--progress-every", "2"));
    args.addAll(List.of(extra));
    return ChildJvm.start(folder, jvmArgs, LauncherCommand.class.getName(), args);
  }

  /** The process the launcher reports it started as {@code name}, the newest if restarted. */
  private static ProcessHandle started(ChildJvm launcher, String name) throws InterruptedException {
    long pid = Long.parseLong(launcher.awaitLine("\\[supervisor\\] started " + name + " \\(pid (\\d+)\\)", START).group(1));
    return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError(name + " (pid " + pid + ") is not running"));
  }

  @Test
  void run_reachesTheTarget_afterAWorkerAndTheServerAreKilled_andExitsZero() throws Exception {
    try (ChildJvm launcher = launch("--n-workers", "2", "--target-score", "150", "--checkpoint-every", "1")) {
      ProcessHandle ps = started(launcher, "ps");
      ProcessHandle worker = started(launcher, "worker-0");
      launcher.awaitLine("progress .* episodes=[1-9]", START);
      worker.destroyForcibly();
      launcher.awaitLine("\\[supervisor\\] worker-\\d exited with 137; restart 1/5", START);
      launcher.awaitLine("checkpoint .* written", START);
      ps.destroyForcibly();
      launcher.awaitLine("\\[supervisor\\] ps exited with 137; restart 1/3", START);
      Matcher resumed = launcher.awaitLine("resumed from .*: version (\\d+), global step (\\d+)", START);
      long checkpointStep = Long.parseLong(resumed.group(2));
      Matcher summary = launcher.awaitLine("run-summary env=CartPole-v1 workers=2 .* agent_steps=(\\d+) .* exit=(\\w+)", RUN);
      assertEquals("target_reached", summary.group(2), launcher.transcript());
      assertTrue(Long.parseLong(summary.group(1)) >= checkpointStep, launcher.transcript());
      launcher.awaitLine("test-game 3 env=CartPole-v1 score=\\d+\\.0 length=\\d+", START);
      assertEquals(0, launcher.awaitExit(START), launcher.transcript());
      List<String> episodes = java.nio.file.Files.readAllLines(folder.resolve("run/episodes.csv"));
      assertTrue(episodes.size() > 100, "episodes.csv has a line per episode: " + episodes.size());
      assertEquals(1000, javax.imageio.ImageIO.read(folder.resolve("run/scores.png").toFile()).getWidth());
      assertTrue(CheckpointFolder.load(folder.resolve("run/checkpoints")).checkpoint().getGlobalStep() >= checkpointStep);
      assertTrue(launcher.process().descendants().findAny().isEmpty(), "no child outlives the launcher");
    }
  }

  @Test
  void sigtermOfTheLauncher_stopsGracefully_andLeavesNoChild() throws Exception {
    try (ChildJvm launcher = launch("--n-workers", "2")) {
      launcher.awaitLine("progress .* episodes=[1-9]", START);
      List<ProcessHandle> before = launcher.process().descendants().toList();
      assertEquals(3, before.size(), launcher.transcript());
      launcher.terminate();
      assertEquals(130, launcher.awaitExit(START), launcher.transcript());
      java.util.regex.Matcher summary = java.util.regex.Pattern.compile("run-summary .* episodes=(\\d+) .*exit=stopped_by_user")
          .matcher(launcher.transcript());
      assertTrue(summary.find(), launcher.transcript());
      List<String> csv = java.nio.file.Files.readAllLines(folder.resolve("run/episodes.csv"));
      assertEquals(Integer.parseInt(summary.group(1)), csv.size() - 1, "episodes.csv has exactly the episodes the server counted");
      try (var files = java.nio.file.Files.list(folder.resolve("run"))) {
        assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("events.out.tfevents.")), "a TensorBoard event file");
      }
      String log = java.nio.file.Files.readString(folder.resolve("run/launcher.log"));
      assertTrue(log.contains("[worker-0]") && log.contains("[ps]") && log.contains("run-summary"), "launcher.log has every child's lines");
      assertTrue(log.contains("machine cpu=\"" + Machine.current().cpu() + "\""), "launcher.log names the machine");
      assertTrue(launcher.transcript().contains("checkpoint"), "a final checkpoint is written");
      for (ProcessHandle child : before) {
        child.onExit().get(30, TimeUnit.SECONDS);
        assertFalse(child.isAlive());
      }
    }
  }

  @Test
  void ctrlC_reachesTheLauncherAndEveryChild_theRunStopsWithinSeconds_andNoChildIsRestarted() throws Exception {
    assumeSigintReachesUs();
    try (ChildJvm launcher = launch("--n-workers", "2")) {
      launcher.awaitLine("progress .* episodes=[1-9]", START);
      List<ProcessHandle> group = processGroup(launcher);
      assertEquals(4, group.size(), launcher.transcript());
      ctrlC(group);
      // Well within the 30 s the launcher would give a worker that ignored the stop.
      assertEquals(130, launcher.awaitExit(Duration.ofSeconds(25)), launcher.transcript());
      assertTrue(launcher.transcript().contains("exit=stopped_by_user"), launcher.transcript());
      assertFalse(launcher.transcript().matches("(?s).*exited with \\d+; restart.*"), "no child is restarted after the stop: "
          + launcher.transcript());
      for (ProcessHandle process : group) {
        process.onExit().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void secondCtrlC_stopsAtOnce_andRemovesTheSharedMemoryFolder() throws Exception {
    assumeSigintReachesUs();
    try (ChildJvm launcher = launch("--n-workers", "1")) {
      launcher.awaitLine("progress .* episodes=[1-9]", START);
      List<ProcessHandle> group = processGroup(launcher);
      List<String> workerArgs = group.stream().map(LauncherTest::commandLine)
          .filter(command -> command.contains(WorkerCommand.class.getName())).findFirst().orElseThrow();
      Path sharedMemory = Path.of(workerArgs.get(workerArgs.indexOf("--shared-memory-dir") + 1));
      assertTrue(java.nio.file.Files.isDirectory(sharedMemory), sharedMemory.toString());
      ctrlC(group);
      // A second press while the first stop is still under way: the children are killed, so none removes its files.
      ctrlC(group);
      assertEquals(130, launcher.awaitExit(Duration.ofSeconds(20)), launcher.transcript());
      for (ProcessHandle process : group) {
        process.onExit().get(10, TimeUnit.SECONDS);
      }
      assertFalse(java.nio.file.Files.exists(sharedMemory), "the shared-memory folder is gone: " + launcher.transcript());
    }
  }

  /**
   * Skips before anything starts where this JVM ignores SIGINT, as its launcher would: a launcher
   * started only to be skipped would be killed and leave its shared-memory folder behind.
   */
  private static void assumeSigintReachesUs() throws java.io.IOException {
    assumeFalse(ignoresSigint(ProcessHandle.current()), "SIGINT is ignored in this test's processes (started in the background?)");
  }

  /** The launcher and its children, the process group a Ctrl-C at a terminal would reach; skips where SIGINT is ignored. */
  private static List<ProcessHandle> processGroup(ChildJvm launcher) throws java.io.IOException {
    ProcessHandle self = launcher.process().toHandle();
    // A background job of a non-interactive shell starts with SIGINT ignored, and a JVM keeps it so.
    assumeFalse(ignoresSigint(self), "SIGINT is ignored in this test's processes (started in the background?)");
    List<ProcessHandle> group = new ArrayList<>(List.of(self));
    group.addAll(self.descendants().toList());
    return group;
  }

  private static boolean ignoresSigint(ProcessHandle process) throws java.io.IOException {
    for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & (1L << 1)) != 0;
      }
    }
    throw new AssertionError("no SigIgn line for pid " + process.pid());
  }

  /** SIGINT to every live process at once, as a terminal sends it to its foreground process group on Ctrl-C. */
  private static void ctrlC(List<ProcessHandle> processes) throws Exception {
    List<String> command = new ArrayList<>(List.of("kill", "-INT"));
    processes.stream().filter(ProcessHandle::isAlive).forEach(process -> command.add(Long.toString(process.pid())));
    assertTrue(new ProcessBuilder(command).inheritIO().start().waitFor(10, TimeUnit.SECONDS));
  }

  /** The full command line (ProcessHandle.Info leaves out arguments of long ones; Linux). */
  private static List<String> commandLine(ProcessHandle process) {
    try {
      return List.of(java.nio.file.Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).split("\0"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void sigkillOfTheLauncher_childrenNoticeAndExit() throws Exception {
    try (ChildJvm launcher = launch("--n-workers", "1")) {
      launcher.awaitLine("progress .* episodes=[1-9]", START);
      List<ProcessHandle> before = launcher.process().descendants().toList();
      assertEquals(2, before.size(), launcher.transcript());
      launcher.process().destroyForcibly();
      for (ProcessHandle child : before) {
        child.onExit().get(60, TimeUnit.SECONDS);
        assertFalse(child.isAlive(), child.info().toString());
      }
    }
  }

  @Test
  void workerStartedByHand_joinsARunningLaunchersServer() throws Exception {
    // A launcher of no workers, as the server of worker hosts runs.
    try (ChildJvm launcher = launch("--n-workers", "0")) {
      int port = Integer.parseInt(launcher.awaitLine(READY, START).group(1));
      List<String> server = launcher.process().descendants().map(LauncherTest::commandLine)
          .filter(command -> command.contains(ParameterServerCommand.class.getName())).findFirst().orElseThrow();
      assertFalse(server.contains("--shared-memory-dir"), "no local worker would read the weights there: " + server);
      try (ChildJvm worker = ChildJvm.start(folder, WorkerCommand.class.getName(), List.of("--ps", "127.0.0.1:" + port,
          "--env-name", "CartPole-v1", "--worker-index", "7", "--worker-id", "by-hand"))) {
        ManagedChannel channel = Channels.open("127.0.0.1:" + port, null, null);
        try {
          ParameterServerGrpc.BlockingStub stub = ParameterServerGrpc.newBlockingStub(channel);
          long deadline = System.nanoTime() + START.toNanos();
          WorkerStatus byHand = null;
          while (System.nanoTime() < deadline && (byHand == null || byHand.getUpdates() < 10)) {
            GetStatusResponse status = stub.withDeadlineAfter(10, TimeUnit.SECONDS).getStatus(GetStatusRequest.getDefaultInstance());
            byHand = status.getWorkersList().stream().filter(w -> w.getWorkerId().equals("by-hand")).findFirst().orElse(null);
            Thread.sleep(200);
          }
          assertTrue(byHand != null && byHand.getUpdates() >= 10, worker.transcript());
        } finally {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        launcher.terminate();
        assertEquals(130, launcher.awaitExit(START), launcher.transcript());
        assertEquals(0, worker.awaitExit(START), "the hand-started worker hears the stop: " + worker.transcript());
      }
    }
  }

  @Test
  void bindToAnotherLoopbackAddress_theLauncherAndItsWorkersConnectThere() throws Exception {
    // Enough steps for the server to outlive the launcher's first status poll even on a busy machine.
    try (ChildJvm launcher = launch("--bind", "127.0.0.2", "--n-workers", "1", "--max-steps", "50000")) {
      launcher.awaitLine("parameter server ready on 127\\.0\\.0\\.2:\\d+", START);
      launcher.awaitLine("run-summary .* agent_steps=\\d+ .*exit=step_limit", RUN);
      assertEquals(3, launcher.awaitExit(START), launcher.transcript());
    }
  }

  /**
   * A TLS server started by the launcher, its certificate naming the address other hosts dial: the
   * launcher and its workers trust that certificate on loopback, and a plaintext client is refused.
   */
  @Test
  void tlsServer_theLauncherAndItsWorkersTrustItsCertificate_andPlaintextIsRefused() throws Exception {
    TestCertificates.Pair pair = TestCertificates.selfSigned(folder, "server", "DNS:ps.a3c.test,IP:198.18.7.1");
    try (ChildJvm launcher = launch("--n-workers", "1", "--max-steps", "50000", "--tls-cert", pair.cert().toString(),
        "--tls-key", pair.key().toString())) {
      int port = Integer.parseInt(launcher.awaitLine(READY, START).group(1));
      ManagedChannel secure = Channels.open("127.0.0.1:" + port, null, ClientTls.ofServerCertificate(pair.cert(), "127.0.0.1"));
      ManagedChannel plain = Channels.open("127.0.0.1:" + port, null, null);
      try {
        ParameterServerGrpc.BlockingStub trusted = ParameterServerGrpc.newBlockingStub(secure).withDeadlineAfter(30, TimeUnit.SECONDS);
        trusted.getStatus(GetStatusRequest.getDefaultInstance());
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> ParameterServerGrpc.newBlockingStub(plain)
            .withDeadlineAfter(30, TimeUnit.SECONDS).getStatus(GetStatusRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.getStatus().toString());
        trusted.getStatus(GetStatusRequest.getDefaultInstance());
      } finally {
        secure.shutdownNow();
        plain.shutdownNow();
      }
      List<String> worker = launcher.process().descendants().map(LauncherTest::commandLine)
          .filter(command -> command.contains(WorkerCommand.class.getName())).findFirst().orElseThrow();
      assertTrue(String.join(" ", worker).contains("--tls-ca " + pair.cert() + " --tls-authority ps.a3c.test"), worker.toString());
      // The launcher's progress comes from its own status calls, the steps from the worker's pushes.
      launcher.awaitLine("progress .* episodes=[1-9]", START);
      launcher.awaitLine("run-summary .* agent_steps=\\d+ .*exit=step_limit", RUN);
      assertEquals(3, launcher.awaitExit(START), launcher.transcript());
    }
  }

  @Test
  void moreWorkersThanCores_warnOnce_runPinnedWithTaskset_andEndCleanly() throws Exception {
    int workers = Runtime.getRuntime().availableProcessors() + 1;
    try (ChildJvm launcher = launch("--n-workers", Integer.toString(workers), "--cpu-affinity", "--applier-threads", "2",
        "--max-steps", "3000")) {
      launcher.awaitLine("\\[launcher\\] memory: " + workers + " workers x 0\\.3 GB \\+ server 0\\.7 GB = [0-9.]+ GB of [0-9.]+ GB available",
          START);
      String lastName = "worker-" + (workers - 1);
      ProcessHandle last = started(launcher, lastName);
      // Its first line comes from Java, so taskset has set the mask and handed the process over.
      launcher.awaitLine("\\[" + lastName + "\\] .*worker " + lastName + " exchanges tensors through shared memory", START);
      // Pinned round robin: the last worker wraps around to the first CPU this machine lets the launcher use.
      String allowed = java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(last.pid()), "status")).stream()
          .filter(line -> line.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow();
      assertEquals(HostResources.current().cpus().getFirst().toString(), allowed.split(":")[1].strip(), allowed);
      launcher.awaitLine("run-summary .* workers=" + workers + " .*exit=step_limit", RUN);
      assertEquals(3, launcher.awaitExit(START), launcher.transcript());
      String warning = "warning: " + workers + " workers on " + (workers - 1) + " cores";
      assertEquals(1, launcher.transcript().split(java.util.regex.Pattern.quote(warning), -1).length - 1, launcher.transcript());
      assertTrue(launcher.process().descendants().findAny().isEmpty(), "no child outlives the launcher");
    }
  }

  @Test
  void useTrained_playsGreedyGamesWithACheckpoint_andRefusesABadOne() throws Exception {
    Path checkpoints = trainBriefly("CartPole-v1", null, 400, folder.resolve("trained"));
    try (ChildJvm play = ChildJvm.start(folder, LauncherCommand.class.getName(),
        List.of("--use-trained", "--env-name", "CartPole-v1", "--checkpoint", checkpoints.toString()))) {
      assertEquals(0, play.awaitExit(START), play.transcript());
      for (int game = 1; game <= 3; game++) {
        assertTrue(play.transcript().matches("(?s).*test-game " + game + " env=CartPole-v1 score=\\d+\\.0 length=\\d+.*"),
            play.transcript());
      }
    }
    Path corrupt = folder.resolve("corrupt.a3c");
    java.nio.file.Files.write(corrupt, new byte[] {'A', '3', 'C'});
    String[][] bad = {
        {"--use-trained", "--env-name", "CartPole-v1", "--checkpoint", corrupt.toString()},
        {"--use-trained", "--env-name", "CartPole-v1", "--checkpoint", folder.resolve("missing.a3c").toString()},
        {"--use-trained", "--env-name", "PongNoFrameskip-v4", "--rom-dir", TestRoms.dir().toString(), "--checkpoint", checkpoints.toString()}};
    String[] expected = {"checkpoint " + corrupt + " is truncated", "missing.a3c cannot be read", "was trained on CartPole-v1"};
    for (int i = 0; i < bad.length; i++) {
      try (ChildJvm play = ChildJvm.start(folder, LauncherCommand.class.getName(), List.of(bad[i]))) {
        assertEquals(2, play.awaitExit(START), play.transcript());
        assertTrue(play.transcript().contains(expected[i]), play.transcript());
      }
    }
  }

  /** A checkpoint folder after a few hundred agent steps of one worker against an in-process server. */
  private static Path trainBriefly(String env, Path romDir, long steps, Path checkpoints) throws Exception {
    ServerConfig serverConfig = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-3), env)
        .withStopRule(Double.POSITIVE_INFINITY, steps).withCheckpoints(checkpoints, Duration.ofHours(1));
    try (ParameterServer server = ParameterServer.start(serverConfig, null);
        WorkerRunner worker = new WorkerRunner(new WorkerConfig("127.0.0.1:" + server.port(), 0, "w0", env, romDir,
            null, null, LearnerConfig.defaults(), 1, 0, Duration.ofSeconds(30), null, false))) {
      worker.run();
      assertTrue(server.awaitStop(Duration.ofSeconds(30)));
    }
    return checkpoints;
  }

  @Test
  void resumedRun_countsItsRatesFromWhereItResumed() throws Exception {
    Path checkpoints = trainBriefly("CartPole-v1", null, 20_000, folder.resolve("earlier"));
    long resumedStep = CheckpointFolder.load(checkpoints).checkpoint().getGlobalStep();
    // In a locale with a decimal comma: scripts read the summary, so its numbers keep the point in any locale.
    try (ChildJvm launcher = launch(List.of("-Duser.language=de", "-Duser.country=DE"), "--n-workers", "1",
        "--resume", checkpoints.toString(), "--target-score", "1000", "--max-steps", Long.toString(resumedStep + 2_000))) {
      Matcher summary = launcher.awaitLine("run-summary .* seconds=([\\d.]+) agent_steps=(\\d+) agent_steps_per_s=([\\d.]+) .*exit=(\\w+)", RUN);
      assertEquals("step_limit", summary.group(4), "the step limit ends the run even when the workers leave first: "
          + launcher.transcript());
      double seconds = Double.parseDouble(summary.group(1));
      long stepsThisLaunch = Long.parseLong(summary.group(2)) - resumedStep;
      double counted = Double.parseDouble(summary.group(3)) * seconds;
      assertTrue(stepsThisLaunch >= 2_000 && Math.abs(counted - stepsThisLaunch) <= 0.02 * stepsThisLaunch + 10,
          "the rate counts the " + stepsThisLaunch + " steps of this launch, not the " + resumedStep + " resumed: " + summary.group());
      assertEquals(3, launcher.awaitExit(START), launcher.transcript());
    }
  }

  @Test
  void useTrained_onPong_savesEachTestGameAsAGif() throws Exception {
    Path roms = TestRoms.dir();
    Path checkpoints = trainBriefly("PongNoFrameskip-v4", roms, 40, folder.resolve("pong"));
    Path gifs = folder.resolve("gifs");
    try (ChildJvm play = ChildJvm.start(folder, LauncherCommand.class.getName(), List.of("--use-trained", "--env-name",
        "PongNoFrameskip-v4", "--rom-dir", roms.toString(), "--checkpoint", checkpoints.toString(), "--test-games", "1",
        "--gif-dir", gifs.toString()))) {
      assertEquals(0, play.awaitExit(START), play.transcript());
      java.util.regex.Matcher game = java.util.regex.Pattern.compile("test-game 1 env=PongNoFrameskip-v4 score=(-?\\d+)\\.0 length=(\\d+)( stuck=true)? points=(\\d+) repeated_points=(\\d+) "
          + "direction_flips_pct=(\\d+\\.\\d) gif=(\\S+)")
          .matcher(play.transcript());
      assertTrue(game.find(), play.transcript());
      assertTrue(Integer.parseInt(game.group(1)) >= -21 && Integer.parseInt(game.group(1)) <= 21);
      // A whole game (unless it got stuck on one action): one side reached 21, so at least 21 points were played.
      int points = Integer.parseInt(game.group(4));
      assertTrue((game.group(3) != null || points >= 21) && Integer.parseInt(game.group(5)) < points, game.group());
      assertTrue(Double.parseDouble(game.group(6)) <= 100.0, game.group());
      javax.imageio.ImageReader reader = javax.imageio.ImageIO.getImageReadersByFormatName("gif").next();
      try (javax.imageio.stream.ImageInputStream in = javax.imageio.ImageIO.createImageInputStream(gifs.resolve("test-game-1.gif").toFile())) {
        reader.setInput(in);
        assertEquals(Integer.parseInt(game.group(2)), reader.getNumImages(true), "one frame per agent step");
        assertEquals(160, reader.getWidth(0));
        assertEquals(210, reader.getHeight(0));
      } finally {
        reader.dispose();
      }
    }
  }

  @Test
  void badFlags_failFast_withAMessageThatSaysWhatToChange() throws Exception {
    Path earlier = folder.resolve("earlier");
    Path cartPole = trainBriefly("CartPole-v1", null, 100, earlier.resolve("checkpoints"));
    try (ServerSocket taken = new ServerSocket(0)) {
      String[][] cases = {
          {"--lr", "-1"}, {"--opt", "sgd"}, {"--env-name", "Nope-v0"}, {"--env-name", "PongNoFrameskip-v4", "--rom-dir", "/no/such/dir"},
          {"--env-name", "CartPole-v1", "--port", Integer.toString(taken.getLocalPort())},
          {"--env-name", "CartPole-v1", "--n-workers", "-2"},
          {"--env-name", "CartPole-v1", "--resume", folder.resolve("nothing-here.a3c").toString()},
          {"--env-name", "CartPole-v1", "--max-steps", "-1"},
          {"--env-name", "CartPole-v1", "--target-score", "NaN"},
          {"--env-name", "CartPole-v1", "--auth-token", ""},
          {"--env-name", "PongNoFrameskip-v4", "--rom-dir", TestRoms.dir().toString(), "--resume", cartPole.toString()},
          {"--env-name", "CartPole-v1", "--bind", "no-such-host.invalid"},
          {"--env-name", "CartPole-v1", "--bind", "203.0.113.7"},
          {"--env-name", "CartPole-v1", "--run-dir", earlier.toString()},
          // 30 TB of workers: refused on any machine, before anything starts.
          {"--env-name", "CartPole-v1", "--n-workers", "100000"},
          {"--env-name", "CartPole-v1", "--applier-threads", "0"},
          {"--env-name", "CartPole-v1", "--tls-cert", cartPole.toString()},
          {"--env-name", "CartPole-v1", "--tls-cert", cartPole.toString(), "--tls-key", cartPole.toString()},
          {"--env-name", "CartPole-v1", "--tls-ca", cartPole.toString()},
          {"--env-name", "CartPole-v1", "--ps", "127.0.0.1:1", "--tls-cert", cartPole.toString(), "--tls-key", cartPole.toString()}};
      String[] expected = {"lr must be in (0.0, 1.0], got -1.0", "unknown optimizer 'sgd'", "unknown env 'Nope-v0'",
          "/no/such/dir", "port " + taken.getLocalPort() + " on 127.0.0.1 is not free", "--n-workers must be >= 0, got -2",
          "nothing-here.a3c cannot be read", "--max-steps must be >= 0 (0 for no limit), got -1",
          "--target-score must be a number, got NaN", "--auth-token must not be blank",
          "was trained on CartPole-v1, not PongNoFrameskip-v4: pass --env-name CartPole-v1",
          "--bind no-such-host.invalid cannot be resolved", "--bind 203.0.113.7 (203.0.113.7) is not an address of this host",
          earlier.resolve("checkpoints") + " already holds an earlier run's checkpoints: continue it with --resume "
              + earlier.resolve("checkpoints") + ", or start afresh with another --run-dir",
          "--n-workers 100000 needs about 31458.0 GB of memory", "--applier-threads must be in 1..256, got 0",
          "TLS needs both a certificate (--tls-cert) and a key (--tls-key)",
          "--tls-cert " + cartPole + " and --tls-key " + cartPole + " cannot serve TLS: ",
          "launcher: --tls-ca and --tls-authority are for a worker host (--ps HOST:PORT)",
          "launcher: --tls-cert and --tls-key are for a server; a worker host (--ps) runs none"};
      for (int i = 0; i < cases.length; i++) {
        List<String> args = new ArrayList<>(List.of(cases[i]));
        if (!args.contains("--run-dir")) {
          args.addAll(List.of("--run-dir", folder.resolve("bad").toString()));
        }
        try (ChildJvm launcher = ChildJvm.start(folder, LauncherCommand.class.getName(), args)) {
          assertEquals(2, launcher.awaitExit(Duration.ofSeconds(60)), launcher.transcript());
          assertTrue(launcher.transcript().contains(expected[i]), launcher.transcript());
        }
      }
      assertFalse(folder.resolve("bad").toFile().exists(), "nothing starts on bad flags");
      assertFalse(earlier.resolve("launcher.log").toFile().exists(), "nothing starts in an earlier run's folder");
    }
  }
}
