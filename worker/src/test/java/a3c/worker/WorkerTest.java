package a3c.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.env.Environment;
import a3c.env.Environments;
import a3c.env.StepResult;
import a3c.env.atari.TestRoms;
import a3c.learner.A3cLearner;
import a3c.learner.Agent;
import a3c.learner.LearnerConfig;
import a3c.learner.Rollout;
import a3c.model.ActorCritic;
import a3c.model.AtariActorCritic;
import a3c.model.ParameterSpec;
import a3c.net.Channels;
import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.proto.DType;
import a3c.proto.GetStatusResponse;
import a3c.proto.StopReason;
import a3c.ps.ParameterServer;
import a3c.ps.ServerConfig;
import a3c.ps.StopMeasure;
import a3c.shm.SharedWeights;
import a3c.testing.Tmpfs;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Workers against a real parameter server over a real socket, on real environments. */
class WorkerTest {
  @TempDir Path folder;

  private static WorkerConfig config(int port, int index, String env, LearnerConfig learner) {
    return config(port, index, env, learner, null);
  }

  private static WorkerConfig config(int port, int index, String env, LearnerConfig learner, Path sharedMemory) {
    return config(port, index, env, learner, sharedMemory, false);
  }

  private static WorkerConfig config(int port, int index, String env, LearnerConfig learner, Path sharedMemory,
      boolean syncUpdates) {
    return new WorkerConfig("127.0.0.1:" + port, index, "worker-" + index, env, TestRomsOrNull.dir(env), null, null,
        learner, 1, 0, Duration.ofSeconds(30), sharedMemory, syncUpdates);
  }

  /** Runs one worker to the server's stop; returns the stop reason. */
  private static StopReason runWorker(WorkerConfig config) throws Exception {
    try (WorkerRunner runner = new WorkerRunner(config)) {
      return runner.run();
    }
  }

  @Test
  void pongWorker_completesRolloutsAgainstARealServer_andTheVersionAdvances() throws Exception {
    ServerConfig serverConfig = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-4), "PongNoFrameskip-v4")
        .withStopRule(Double.POSITIVE_INFINITY, 200);
    try (ParameterServer server = ParameterServer.start(serverConfig, null)) {
      StopReason reason = runWorker(config(server.port(), 0, "PongNoFrameskip-v4", LearnerConfig.defaults()));
      assertEquals(StopReason.STOP_REASON_MAX_STEPS, reason);
      GetStatusResponse status = server.status();
      assertEquals(10, status.getVersion(), "200 agent steps are 10 rollouts of 20");
      assertEquals(200, status.getGlobalStep());
      assertEquals(800, status.getFrames(), "4 emulator frames per agent step");
      assertTrue(status.getLastStats().getGradNorm() > 0, status.getLastStats().toString());
    }
  }

  @Test
  void pongWorker_throughSharedMemory_advancesTheVersionLikeOverGrpc() throws Exception {
    Path shm = folder.resolve("shm");
    ServerConfig serverConfig = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-4), "PongNoFrameskip-v4")
        .withStopRule(Double.POSITIVE_INFINITY, 200).withSharedMemory(shm);
    try (ParameterServer server = ParameterServer.start(serverConfig, null)) {
      assertEquals(StopReason.STOP_REASON_MAX_STEPS, runWorker(config(server.port(), 0, "PongNoFrameskip-v4", LearnerConfig.defaults(), shm)));
      assertEquals(10, server.status().getVersion());
      assertTrue(Files.exists(shm.resolve("gradients-worker-0.a3cshm")), "the worker used its shared gradients file");
    }
  }

  @Test
  void sharedMemoryWorker_ofAServerWhoseWireIsBfloat16_actsOnTheFilesFloat32Weights() throws Exception {
    Path shm = folder.resolve("shm");
    ServerConfig serverConfig = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-3), "CartPole-v1")
        .withSharedMemory(shm).withWireDtype(DType.DTYPE_BFLOAT16);
    try (ParameterServer server = ParameterServer.start(serverConfig, null)) {
      WorkerConfig config = config(server.port(), 0, "CartPole-v1", LearnerConfig.defaults(), shm);
      Environment env = Environments.create(config.envName(), null, config.workerSeed(), 0);
      ActorCritic model = WorkerRunner.modelFor(env, null);
      ManagedChannel channel = Channels.open(config.psTarget(), null, null);
      try (SharedMemorySession session = new SharedMemorySession(config, model, new PsClient(channel, Duration.ofSeconds(5),
          DType.DTYPE_FLOAT32), shm)) {
        session.join();
        int[] sizes = model.parameters().stream().mapToInt(ParameterSpec::elementCount).toArray();
        List<ByteBuffer> published = new ArrayList<>();
        try (SharedWeights file = SharedWeights.open(shm, Arrays.stream(sizes).sum())) {
          file.read(sizes, tensors -> tensors.forEach(tensor -> published.add(copy(tensor))));
        }
        List<ByteBuffer> acting = model.exportWeights();
        boolean beyondBfloat16 = false;
        for (int t = 0; t < sizes.length; t++) {
          assertEquals(published.get(t), acting.get(t).duplicate().clear(), "tensor " + t);
          for (int i = 0; i < sizes[t]; i++) {
            beyondBfloat16 |= (published.get(t).getInt(i * Float.BYTES) & 0xFFFF) != 0;
          }
        }
        assertTrue(beyondBfloat16, "the initial weights have bits that bfloat16 would round away");
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static ByteBuffer copy(ByteBuffer tensor) {
    ByteBuffer copy = ByteBuffer.allocate(tensor.remaining()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    copy.put(tensor.duplicate()).flip();
    return copy;
  }

  @Test
  void sharedMemory_whenItsGradientsFileCannotBeMade_fallsBackToGrpc_andClosesTheWeightsFile() throws Exception {
    Path shm = folder.resolve("shm");
    // A folder where the worker's gradients file goes: creating that file fails after the weights file is open.
    Files.createDirectories(shm.resolve("gradients-worker-0.a3cshm"));
    ServerConfig serverConfig = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-3), "CartPole-v1")
        .withStopRule(Double.POSITIVE_INFINITY, 200).withSharedMemory(shm);
    try (ParameterServer server = ParameterServer.start(serverConfig, null)) {
      assertEquals(StopReason.STOP_REASON_MAX_STEPS, runWorker(config(server.port(), 0, "CartPole-v1", LearnerConfig.defaults(), shm)));
      assertEquals(10, server.status().getVersion(), "every update went over gRPC");
      assertEquals(1, openHandles(shm.resolve(SharedWeights.FILE_NAME)), "only the server's own handle is left open");
    }
  }

  /**
   * A container's /dev/shm that other programs have filled: at 12 MiB the 19.3-MB weights file does
   * not fit, at 22 MiB it does and the worker's 4.8-MB gradients file no longer does.
   */
  @ParameterizedTest(name = "a tmpfs of {0}")
  @CsvSource({"12m, false", "22m, true"})
  void pongWorker_whereSharedMemoryHasNoRoom_trainsOverGrpc_andLeavesNoFileHalfMade(String size, boolean weightsFit)
      throws Exception {
    Path shm = folder.resolve("shm");
    try (Tmpfs small = Tmpfs.mount(shm, size)) {
      ServerConfig serverConfig = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-4), "PongNoFrameskip-v4")
          .withStopRule(Double.POSITIVE_INFINITY, 200).withSharedMemory(shm);
      try (ParameterServer server = ParameterServer.start(serverConfig, null)) {
        assertEquals(StopReason.STOP_REASON_MAX_STEPS, runWorker(config(server.port(), 0, "PongNoFrameskip-v4", LearnerConfig.defaults(), shm)));
        assertEquals(10, server.status().getVersion(), "every update went over gRPC");
        assertEquals(weightsFit, Files.exists(shm.resolve(SharedWeights.FILE_NAME)));
        assertFalse(Files.exists(shm.resolve("gradients-worker-0.a3cshm")));
      }
    }
  }

  /** How many of this process's file descriptors refer to {@code file} (Linux). */
  private static long openHandles(Path file) throws IOException {
    Path target = file.toRealPath();
    try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
      return descriptors.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(target);
        } catch (IOException closedMeanwhile) {
          return false;
        }
      }).count();
    }
  }

  @Test
  void stopRequest_endsTheWaitForAnUnreachableServer_atOnce() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    // Nothing listens on the port now; the worker would retry for five minutes.
    WorkerConfig config = new WorkerConfig("127.0.0.1:" + port, 0, "worker-0", "CartPole-v1", null, null, null,
        LearnerConfig.defaults(), 1, 0, Duration.ofMinutes(5), null, true);
    try (WorkerRunner runner = new WorkerRunner(config)) {
      CompletableFuture<StopReason> run = CompletableFuture.supplyAsync(runner::run);
      runner.requestStop();
      assertEquals(StopReason.STOP_REASON_NONE, run.get(10, TimeUnit.SECONDS));
    }
  }

  @ParameterizedTest(name = "syncUpdates={0}, sharedMemory={1}")
  @CsvSource({"false, false", "true, true"})
  void serverRestartedWithoutACheckpoint_theWorkerRegistersAgain_uploadsWeights_andTrainsOn(boolean syncUpdates,
      boolean sharedMemory) throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Path shm = sharedMemory ? folder.resolve("shm") : null;
    try (WorkerRunner runner = new WorkerRunner(config(port, 0, "CartPole-v1", LearnerConfig.defaults(), shm, syncUpdates))) {
      CompletableFuture<StopReason> run;
      try (ParameterServer first = ParameterServer.start(serverOn(port, 0).withSharedMemory(shm), null)) {
        run = CompletableFuture.supplyAsync(runner::run);
        awaitVersion(first, 5, Duration.ofSeconds(60), run);
      }
      // The same address, but no weights: they come from the first worker to register again. The first server
      // removed its shared-memory files on closing: the session must map new ones, its own gradients file too.
      try (ParameterServer restarted = ParameterServer.start(serverOn(port, 200).withSharedMemory(shm), null)) {
        assertEquals(StopReason.STOP_REASON_MAX_STEPS, run.get(60, TimeUnit.SECONDS));
        assertEquals(10, restarted.status().getVersion(), "200 agent steps after the restart are 10 updates");
        if (shm != null) {
          assertTrue(Files.exists(shm.resolve("gradients-worker-0.a3cshm")), "the worker made its gradients file again");
        }
      }
    }
  }

  @Test
  void serverHostGoesSilent_theWorkerNoticesWithinItsKeepalive_andRejoinsOnANewConnection() throws Exception {
    ServerConfig serverConfig = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-3), "CartPole-v1")
        .withStopRule(Double.POSITIVE_INFINITY, 0);
    try (ParameterServer server = ParameterServer.start(serverConfig, null);
        SilentRelay relay = new SilentRelay(server.port());
        WorkerRunner runner = new WorkerRunner(config(relay.port(), 0, "CartPole-v1", LearnerConfig.defaults()))) {
      CompletableFuture<StopReason> run = CompletableFuture.supplyAsync(runner::run);
      awaitVersion(server, 5, Duration.ofSeconds(60), run);
      relay.silence();
      // The worker's call on the silent connection fails once a keepalive ping (after 10 s) goes unanswered
      // for 10 s; without one it would hang until its 60-s deadline.
      awaitVersion(server, server.status().getVersion() + 5, Duration.ofSeconds(45), run);
      server.requestStop();
      assertEquals(StopReason.STOP_REASON_SHUTDOWN, run.get(30, TimeUnit.SECONDS));
    }
  }

  /** Waits until the server's version reaches {@code version}; fails at the timeout or when the worker ends first. */
  private static void awaitVersion(ParameterServer server, long version, Duration timeout, CompletableFuture<?> worker)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (server.status().getVersion() < version) {
      assertTrue(System.nanoTime() < deadline && !worker.isDone(), () -> "version " + version + " within " + timeout + ": "
          + server.status() + (worker.isDone() ? ", the worker ended: " + worker.handle((r, e) -> r + " " + e).join() : ""));
      Thread.sleep(20);
    }
  }

  private static ServerConfig serverOn(int port, long maxSteps) {
    return new ServerConfig("127.0.0.1", port, OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-3), "CartPole-v1",
        Double.POSITIVE_INFINITY, StopMeasure.EPISODES, maxSteps, null, Duration.ofMinutes(5), 3, null, null, null,
        ServerConfig.DEFAULT_MAX_MESSAGE_BYTES, Map.of(), null, null, null, 1, DType.DTYPE_FLOAT32);
  }

  @ParameterizedTest(name = "syncUpdates={0}")
  @CsvSource({"true, 0.0", "false, 0.9"})
  void oneWorker_actsOnItsOwnLastUpdate_onlyWhenSynchronous(boolean syncUpdates, double staleness) throws Exception {
    // Alone, a synchronous worker always pushes against the newest version. Overlapped, every push after the first
    // was computed on weights without the worker's previous update, still in flight: staleness 1 for 9 of 10.
    ServerConfig serverConfig = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-3), "CartPole-v1")
        .withStopRule(Double.POSITIVE_INFINITY, 200);
    try (ParameterServer server = ParameterServer.start(serverConfig, null)) {
      assertEquals(StopReason.STOP_REASON_MAX_STEPS,
          runWorker(config(server.port(), 0, "CartPole-v1", LearnerConfig.defaults(), null, syncUpdates)));
      GetStatusResponse status = server.status();
      assertEquals(10, status.getVersion(), "every rollout's update was applied, the last one too");
      assertEquals(staleness, status.getMeanStaleness(), 1e-9, status.toString());
    }
  }

  @Test
  void cartPole_twoWorkersLearn_farAboveARandomPolicy() throws Exception {
    // A random policy scores about 22; the bar is far above anything chance can reach.
    ServerConfig serverConfig = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-3), "CartPole-v1")
        .withStopRule(195, 3_000_000);
    try (ParameterServer server = ParameterServer.start(serverConfig, null)) {
      LearnerConfig learner = LearnerConfig.defaults();
      List<CompletableFuture<StopReason>> workers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        WorkerConfig config = config(server.port(), i, "CartPole-v1", learner);
        workers.add(CompletableFuture.supplyAsync(() -> {
          try {
            return runWorker(config);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      for (CompletableFuture<StopReason> worker : workers) {
        assertEquals(StopReason.STOP_REASON_TARGET_REACHED, worker.get(300, TimeUnit.SECONDS), server.status().toString());
      }
      assertTrue(server.status().getMean100() >= 195, server.status().toString());
    }
  }

  @Test
  void sameSeed_sameFirstThousandActionsOnPong_twice() throws Exception {
    assertArrayEquals(firstActions(7, 1000), firstActions(7, 1000));
  }

  private static int[] firstActions(long seed, int count) {
    int[] actions = new int[count];
    try (Environment env = Environments.create("PongNoFrameskip-v4", TestRoms.dir(), seed, 0);
        AtariActorCritic model = new AtariActorCritic(env.actionCount())) {
      Agent agent = new Agent(model, seed);
      A3cLearner learner = new A3cLearner(model, LearnerConfig.defaults());
      Rollout rollout = learner.newRollout();
      List<ByteBuffer> gradients = A3cLearner.buffersFor(model.parameters());
      model.initialize(seed);
      float[] observation = new float[4 * 84 * 84];
      env.reset(observation);
      for (int i = 0; i < count; i++) {
        actions[i] = agent.act(observation, rollout);
        StepResult result = env.step(actions[i], observation);
        rollout.record((float) result.reward(), result.done());
        if (result.done()) {
          env.reset(observation);
          agent.resetRecurrentState();
        }
        if (rollout.full()) {
          learner.gradients(rollout, agent.value(observation), gradients);
        }
      }
    }
    return actions;
  }

  /** The ROM folder for Atari envs (skipping or failing as {@link TestRoms} does), none for CartPole. */
  private static final class TestRomsOrNull {
    static java.nio.file.Path dir(String env) {
      return env.startsWith("CartPole") ? null : TestRoms.dir();
    }
  }
}
