package a3c.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.checkpoint.CheckpointFile;
import a3c.checkpoint.CheckpointFolder;
import a3c.net.Channels;
import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.proto.GetStatusRequest;
import a3c.proto.PushGradientsRequest;
import a3c.proto.ReportEpisodeRequest;
import a3c.proto.StopReason;
import a3c.rpc.ParameterServerGrpc;
import a3c.testing.ChildJvm;
import a3c.testing.TestModels;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parameter server as users run it: a child JVM started from its command line. */
class ParameterServerProcessTest {
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final String LISTENING = "parameter-server listening on 127\\.0\\.0\\.1:(\\d+)";

  @TempDir Path folder;

  @Test
  void childJvm_servesOverASocket_andSigtermWritesAFinalCheckpointAndExits130() throws Exception {
    try (ChildJvm ps = ChildJvm.start(folder, ParameterServerCommand.class.getName(), List.of("--port", "0",
        "--env-name", "Test-v0", "--checkpoint-dir", "ckpt", "--checkpoint-every", "3600", "--linger-seconds", "0",
        "--auth-token", "tok", "--applier-threads", "2"))) {
      int port = Integer.parseInt(ps.awaitLine(LISTENING, STARTUP).group(1));
      ManagedChannel channel = Channels.open("127.0.0.1:" + port, "tok", null);
      try {
        ParameterServerGrpc.BlockingStub client = ParameterServerGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        ParameterServerContractTest.initialize(client);
        for (int i = 0; i < 3; i++) {
          client.pushGradients(PushGradientsRequest.newBuilder().setWorkerId("w0").setBaseVersion(i)
              .addAllGradients(TestModels.constant(TestModels.SMALL_NAMES, TestModels.SMALL_SHAPES, 1f)).setAgentSteps(20).build());
        }
        assertEquals(3, client.getStatus(GetStatusRequest.getDefaultInstance()).getVersion());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      ps.terminate();
      assertEquals(130, ps.awaitExit(Duration.ofSeconds(30)), ps.transcript());
      CheckpointFolder.Loaded last = CheckpointFolder.load(folder.resolve("ckpt"));
      assertEquals(3, last.checkpoint().getVersion());
      assertEquals(60, last.checkpoint().getGlobalStep());
      assertEquals(StopReason.STOP_REASON_SHUTDOWN, last.checkpoint().getStop());
      assertEquals("adam", last.checkpoint().getHyperparameters().getOptimizer());
    }
  }

  @Test
  void resume_fromTheCheckpointFolder_continuesTheCounters() throws Exception {
    Path checkpoints = folder.resolve("ckpt");
    try (ChildJvm ps = ChildJvm.start(folder, ParameterServerCommand.class.getName(), List.of("--port", "0",
        "--env-name", "Test-v0", "--checkpoint-dir", "ckpt", "--linger-seconds", "0"))) {
      int port = Integer.parseInt(ps.awaitLine(LISTENING, STARTUP).group(1));
      ManagedChannel channel = Channels.open("127.0.0.1:" + port, null, null);
      ParameterServerContractTest.initialize(ParameterServerGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS));
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      ps.terminate();
      assertEquals(130, ps.awaitExit(Duration.ofSeconds(30)), ps.transcript());
    }
    try (ChildJvm resumed = ChildJvm.start(folder, ParameterServerCommand.class.getName(), List.of("--port", "0",
        "--resume", checkpoints.toString(), "--checkpoint-dir", "ckpt", "--linger-seconds", "0"))) {
      resumed.awaitLine("resumed from .*checkpoint-000001.a3c: version 0", STARTUP);
      resumed.awaitLine(LISTENING, STARTUP);
      resumed.terminate();
      assertEquals(130, resumed.awaitExit(Duration.ofSeconds(30)), resumed.transcript());
    }
    assertEquals(2, CheckpointFolder.list(checkpoints).size());
    assertEquals("Test-v0", CheckpointFolder.load(checkpoints).checkpoint().getHyperparameters().getEnvName());
  }

  @Test
  void exitCode_saysWhyTheRunEnded_3AtTheStepLimit_0AtTheTarget() throws Exception {
    int stepLimit = exitAfter(List.of("--max-steps", "40", "--checkpoint-dir", "steps"), client -> {
      for (int i = 0; i < 2; i++) {
        client.pushGradients(PushGradientsRequest.newBuilder().setWorkerId("w0").setBaseVersion(i)
            .addAllGradients(TestModels.constant(TestModels.SMALL_NAMES, TestModels.SMALL_SHAPES, 1f)).setAgentSteps(20).build());
      }
    });
    assertEquals(3, stepLimit);
    assertEquals(StopReason.STOP_REASON_MAX_STEPS, CheckpointFolder.load(folder.resolve("steps")).checkpoint().getStop());
    int target = exitAfter(List.of("--target-score", "5", "--checkpoint-dir", "target"), client -> {
      for (int i = 0; i < 100; i++) {
        client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId("w0").setScore(10).setLength(10).build());
      }
    });
    assertEquals(0, target);
    assertEquals(StopReason.STOP_REASON_TARGET_REACHED, CheckpointFolder.load(folder.resolve("target")).checkpoint().getStop());
  }

  /** The exit code of a server started with {@code flags} once {@code calls}, after the weights, have ended its run. */
  private int exitAfter(List<String> flags, Consumer<ParameterServerGrpc.BlockingStub> calls) throws Exception {
    List<String> args = new ArrayList<>(List.of("--port", "0", "--env-name", "Test-v0", "--linger-seconds", "0"));
    args.addAll(flags);
    try (ChildJvm ps = ChildJvm.start(folder, ParameterServerCommand.class.getName(), args)) {
      int port = Integer.parseInt(ps.awaitLine(LISTENING, STARTUP).group(1));
      ManagedChannel channel = Channels.open("127.0.0.1:" + port, null, null);
      try {
        ParameterServerGrpc.BlockingStub client = ParameterServerGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        ParameterServerContractTest.initialize(client);
        calls.accept(client);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      int code = ps.awaitExit(Duration.ofSeconds(30));
      assertTrue(ps.transcript().contains("parameter-server stopped"), ps.transcript());
      return code;
    }
  }

  @Test
  void badUsage_failsFastWithAClearMessage_andExitCode2() throws Exception {
    Path corrupt = folder.resolve("bad.a3c");
    Files.writeString(corrupt, "garbage");
    Path rmsprop = rmspropCheckpoint(folder.resolve("rmsprop"));
    Path future = folder.resolve("future.a3c");
    CheckpointFile.write(future, CheckpointFile.read(rmsprop).toBuilder().setFormatVersion(2).build());
    String[][] cases = {
        {"--opt", "sgd"}, {"--lr", "-1"}, {"--resume", corrupt.toString()}, {"--port", "70000"}, {"--keep-checkpoints", "0"},
        {"--resume", rmsprop.toString(), "--opt", "adam"}, {"--resume", future.toString()}, {"--stop-measure", "median"},
        {"--applier-threads", "0"}};
    String[] expected = {
        "unknown optimizer 'sgd': expected one of [adam, rmsprop]", "lr must be in (0.0, 1.0], got -1.0",
        "checkpoint " + corrupt + " is truncated", "port must be in 0..65535, got 70000", "--keep-checkpoints must be >= 1, got 0",
        rmsprop + " holds rmsprop state; resume it without --opt or with --opt rmsprop",
        "checkpoint " + future + " has format version 2; this build reads version 1",
        "--stop-measure must be one of episodes, rounds, got 'median'", "--applier-threads must be in 1..256, got 0"};
    for (int i = 0; i < cases.length; i++) {
      try (ChildJvm ps = ChildJvm.start(folder, ParameterServerCommand.class.getName(), List.of(cases[i]))) {
        assertEquals(2, ps.awaitExit(STARTUP), ps.transcript());
        assertTrue(ps.transcript().contains(expected[i]), ps.transcript());
      }
    }
  }

  /** A checkpoint of an RMSprop run, written by an in-process server. */
  private static Path rmspropCheckpoint(Path checkpoints) throws Exception {
    String name = InProcessServerBuilder.generateName();
    ParameterServer server = ParameterServer.start(ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.RMSPROP, 1e-3), "Test-v0")
        .withCheckpoints(checkpoints, Duration.ofHours(1)), null, InProcessServerBuilder.forName(name).directExecutor());
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      ParameterServerContractTest.initialize(ParameterServerContractTest.client(channel));
      return server.checkpoint();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.close();
    }
  }
}
