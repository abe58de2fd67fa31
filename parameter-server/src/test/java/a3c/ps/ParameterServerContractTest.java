package a3c.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.checkpoint.CheckpointFolder;
import a3c.net.Channels;
import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.proto.Checkpoint;
import a3c.proto.DType;
import a3c.proto.GetStatusRequest;
import a3c.proto.GetStatusResponse;
import a3c.proto.InitializeWeightsRequest;
import a3c.proto.PullWeightsRequest;
import a3c.proto.PullWeightsResponse;
import a3c.proto.PushGradientsRequest;
import a3c.proto.PushGradientsResponse;
import a3c.proto.RegisterRequest;
import a3c.proto.RegisterResponse;
import a3c.proto.ReportEpisodeRequest;
import a3c.proto.ReportEpisodeResponse;
import a3c.proto.StopReason;
import a3c.proto.Tensor;
import a3c.rpc.ParameterServerGrpc;
import a3c.rpc.Tensors;
import a3c.rpc.WeightChanges;
import a3c.rpc.WireDtypes;
import a3c.shm.SharedGradients;
import a3c.shm.SharedWeights;
import a3c.testing.TestClock;
import a3c.testing.TestModels;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every parameter server must do, whatever the transport: run in-process and over a real
 * Netty socket by the subclasses.
 */
abstract class ParameterServerContractTest {
  static final String[] NAMES = TestModels.SMALL_NAMES;
  static final long[][] SHAPES = TestModels.SMALL_SHAPES;

  @TempDir Path folder;
  private final List<ParameterServer> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  /** A fresh server builder for this transport. */
  abstract ServerBuilder<?> serverBuilder();

  /** A channel to the server the last builder built. */
  abstract ManagedChannel channelTo(ParameterServer server);

  @AfterEach
  void tearDown() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (ParameterServer server : servers) {
      server.close();
    }
  }

  /** Two applier threads, so that every case also covers the sliced step (one thread is the default on small machines). */
  static ServerConfig config() {
    return ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-3), "Test-v0").withApplierThreads(2);
  }

  ParameterServer start(ServerConfig config, CheckpointFolder.Loaded resume) throws Exception {
    return start(config, resume, Clock.systemUTC());
  }

  ParameterServer start(ServerConfig config, CheckpointFolder.Loaded resume, Clock clock) throws Exception {
    ParameterServer server = ParameterServer.start(config, resume, serverBuilder(), clock);
    servers.add(server);
    return server;
  }

  ParameterServerGrpc.BlockingStub client(ParameterServer server) {
    return client(channel(server));
  }

  Channel channel(ParameterServer server) {
    ManagedChannel channel = channelTo(server);
    channels.add(channel);
    return channel;
  }

  static ParameterServerGrpc.BlockingStub client(Channel channel) {
    return ParameterServerGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /** Registers w0, uploads seeded random weights, returns them. */
  static List<Tensor> initialize(ParameterServerGrpc.BlockingStub client) {
    RegisterResponse registered = client.register(RegisterRequest.newBuilder().setWorkerId("w0").build());
    assertTrue(registered.getInitialize());
    List<Tensor> weights = TestModels.random(NAMES, SHAPES, 3, 1f);
    client.initializeWeights(InitializeWeightsRequest.newBuilder().setWorkerId("w0").addAllWeights(weights).build());
    return weights;
  }

  static PushGradientsRequest push(String worker, long base, List<Tensor> gradients, boolean returnWeights) {
    return PushGradientsRequest.newBuilder().setWorkerId(worker).setBaseVersion(base).addAllGradients(gradients)
        .setAgentSteps(20).setFrames(80).setReturnWeights(returnWeights).build();
  }

  /** {@code push} as a worker host's relay sends it on, holding {@code relayHeldVersion}. */
  static PushGradientsRequest relayed(PushGradientsRequest push, long relayHeldVersion) {
    return push.toBuilder().setRelayHeldVersion(relayHeldVersion).build();
  }

  static PullWeightsResponse pull(ParameterServerGrpc.BlockingStub client) {
    return client.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("w0").build());
  }

  static Status.Code code(Runnable call) {
    return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
  }

  @Test
  void register_exactlyOneWorkerInitializes_theOthersWaitAndPullTheSameWeights() throws Exception {
    ParameterServer server = start(config(), null);
    ParameterServerGrpc.BlockingStub first = client(server);
    ParameterServerGrpc.BlockingStub second = client(server);
    assertTrue(first.register(RegisterRequest.newBuilder().setWorkerId("w0").build()).getInitialize());
    assertFalse(second.register(RegisterRequest.newBuilder().setWorkerId("w1").build()).getInitialize());
    CompletableFuture<PullWeightsResponse> waiting = CompletableFuture.supplyAsync(
        () -> second.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("w1").build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> second.initializeWeights(InitializeWeightsRequest.newBuilder()
        .setWorkerId("w1").addAllWeights(TestModels.random(NAMES, SHAPES, 9, 1f)).build())));
    assertFalse(waiting.isDone(), "a pull before initialisation waits");
    List<Tensor> weights = TestModels.random(NAMES, SHAPES, 3, 1f);
    first.initializeWeights(InitializeWeightsRequest.newBuilder().setWorkerId("w0").addAllWeights(weights).build());
    PullWeightsResponse pulled = waiting.get(20, TimeUnit.SECONDS);
    assertEquals(0, pulled.getVersion());
    assertEquals(weights, pulled.getWeightsList());
    assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> first.initializeWeights(InitializeWeightsRequest.newBuilder()
        .setWorkerId("w0").addAllWeights(weights).build())));
    assertFalse(second.register(RegisterRequest.newBuilder().setWorkerId("w2").build()).getInitialize());
  }

  @Test
  void push_appliesOneStep_andReturnsTheNewWeightsInTheSameRoundTrip() throws Exception {
    ParameterServer server = start(config(), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    List<Tensor> initial = initialize(client);
    PushGradientsResponse reply = client.pushGradients(push("w0", 0, TestModels.constant(NAMES, SHAPES, 1f), true));
    assertEquals(1, reply.getVersion());
    assertEquals(20, reply.getGlobalStep());
    assertEquals(StopReason.STOP_REASON_NONE, reply.getStop());
    // Adam's first step moves every weight by lr against the gradient's sign.
    float[] before = Tensors.toArray(initial.get(0));
    float[] after = Tensors.toArray(reply.getWeights(0));
    for (int i = 0; i < before.length; i++) {
      assertEquals(before[i] - 1e-3f, after[i], 1e-6f);
    }
    assertEquals(reply.getWeightsList(), pull(client).getWeightsList());
    PushGradientsResponse withoutWeights = client.pushGradients(push("w0", 1, TestModels.constant(NAMES, SHAPES, 1f), false));
    assertEquals(2, withoutWeights.getVersion());
    assertEquals(0, withoutWeights.getWeightsCount());
    client.pushGradients(push("w0", 0, TestModels.constant(NAMES, SHAPES, 1f), false));
    GetStatusResponse status = client.getStatus(GetStatusRequest.getDefaultInstance());
    assertEquals(3, status.getUpdates());
    assertEquals(60, status.getGlobalStep());
    assertEquals(240, status.getFrames());
    // Staleness: 0, 0, then 2 for the push computed on version 0 and applied at version 2.
    assertEquals(2.0 / 3, status.getMeanStaleness(), 1e-9);
    assertEquals("w0", status.getWorkers(0).getWorkerId());
    assertTrue(status.getWorkers(0).getAlive());
    assertEquals(3, status.getWorkers(0).getUpdates());
  }

  @Test
  void wireDtypeBfloat16_sendsEveryClientsWeightsInIt_takesBfloat16Pushes_andRefusesAnUnknownDtype() throws Exception {
    ParameterServer server = start(config().withWireDtype(DType.DTYPE_BFLOAT16).withCheckpoints(folder, Duration.ofHours(1)),
        null);
    ParameterServerGrpc.BlockingStub client = client(server);
    List<Tensor> initial = initialize(client);
    PullWeightsResponse pulled = pull(client);
    assertEquals(List.of(DType.DTYPE_BFLOAT16), pulled.getWeightsList().stream().map(Tensor::getDtype).distinct().toList());
    assertEquals(WireDtypes.as(initial, DType.DTYPE_BFLOAT16), pulled.getWeightsList());
    // Gradients in bfloat16 (half the bytes) are widened and applied as float32: Adam's first step
    // moves every weight by lr, so the float32 weights the server keeps are the initial ones minus lr.
    PushGradientsResponse reply = client.pushGradients(push("w0", 0,
        WireDtypes.as(TestModels.constant(NAMES, SHAPES, 1f), DType.DTYPE_BFLOAT16), true));
    assertEquals(DType.DTYPE_BFLOAT16, reply.getWeights(0).getDtype());
    float[] before = Tensors.toArray(initial.get(0));
    server.checkpoint();
    float[] kept = Tensors.toArray(CheckpointFolder.load(folder).checkpoint().getWeights(0));
    for (int i = 0; i < before.length; i++) {
      assertEquals(before[i] - 1e-3f, kept[i], 1e-6f);
    }
    assertEquals(WireDtypes.as(List.of(Tensors.encode(NAMES[0], SHAPES[0], kept, 0, kept.length)), DType.DTYPE_BFLOAT16),
        reply.getWeightsList().subList(0, 1));
    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> client.pullWeights(
        PullWeightsRequest.newBuilder().setWorkerId("w0").setWeightsDtypeValue(7).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, unknown.getStatus().getCode());
    assertEquals("unknown weights_dtype: this server sends float32 or bfloat16", unknown.getStatus().getDescription());
    assertEquals(1, client.getStatus(GetStatusRequest.getDefaultInstance()).getUpdates());
  }

  @Test
  void weightsForAHolderOfARecentVersion_travelAsTheirChanges_whichRebuildTheWholeWeightsExactly() throws Exception {
    ParameterServer server = start(config(), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    String[] names = {"big"};
    long[][] shapes = {{64, 64}};
    assertTrue(client.register(RegisterRequest.newBuilder().setWorkerId("w0").build()).getInitialize());
    client.initializeWeights(InitializeWeightsRequest.newBuilder().setWorkerId("w0")
        .addAllWeights(TestModels.random(names, shapes, 5, 1f)).build());
    PullWeightsRequest bfloat16 = PullWeightsRequest.newBuilder().setWorkerId("w0").setWeightsDtype(DType.DTYPE_BFLOAT16).build();
    PullWeightsResponse held = client.pullWeights(bfloat16);
    assertNotEquals(0, held.getStore());
    assertFalse(held.hasChangesSince());

    PushGradientsResponse reply = client.pushGradients(push("w0", 0, TestModels.random(names, shapes, 7, 1f), true).toBuilder()
        .setWeightsDtype(DType.DTYPE_BFLOAT16).setHeldVersion(0).setHeldStore(held.getStore()).build());
    assertEquals(1, reply.getVersion());
    assertEquals(held.getStore(), reply.getStore());
    assertEquals(0, reply.getChangesSince());
    Tensor changes = reply.getWeights(0);
    assertTrue(WeightChanges.carriesChanges(changes));
    assertTrue(changes.getData().size() + changes.getChanged().size() < 64 * 64 * 2, "smaller than the whole tensor");
    PullWeightsResponse whole = client.pullWeights(bfloat16);
    assertEquals(1, whole.getVersion());
    assertEquals(whole.getWeightsList(), WeightChanges.apply(held.getWeightsList(), reply.getWeightsList()));

    PullWeightsResponse pulledChanges = client.pullWeights(bfloat16.toBuilder().setHeldVersion(0).setHeldStore(held.getStore()).build());
    assertEquals(0, pulledChanges.getChangesSince());
    assertEquals(whole.getWeightsList(), WeightChanges.apply(held.getWeightsList(), pulledChanges.getWeightsList()));
    // Whole weights for a holder of another store's version 0, of a version not kept, or of float32 weights.
    for (PullWeightsRequest other : List.of(bfloat16.toBuilder().setHeldVersion(0).setHeldStore(held.getStore() ^ 1).build(),
        bfloat16.toBuilder().setHeldVersion(7).setHeldStore(held.getStore()).build(),
        bfloat16.toBuilder().setWeightsDtype(DType.DTYPE_FLOAT32).setHeldVersion(0).setHeldStore(held.getStore()).build())) {
      PullWeightsResponse answer = client.pullWeights(other);
      assertFalse(answer.hasChangesSince());
      assertEquals(client.pullWeights(bfloat16.toBuilder().setWeightsDtype(other.getWeightsDtype()).build()).getWeightsList(),
          answer.getWeightsList());
    }
    // Changes are for replies only: gradients or initial weights that carry them are refused.
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> client.pushGradients(
        push("w0", 1, reply.getWeightsList(), false)));
    assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
    assertTrue(refused.getStatus().getDescription().contains("carries only its changes"));
  }

  @Test
  void pushBeforeInitialisation_isFailedPrecondition() throws Exception {
    ParameterServer server = start(config(), null);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> client(server).pushGradients(push("w0", 0, TestModels.constant(NAMES, SHAPES, 1f), true)));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith("the weights are not initialised yet"));
  }

  @Test
  void badPushes_areRejectedWithTheRightStatus_andLeaveTheModelUnchanged() throws Exception {
    ParameterServer server = start(config(), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    List<Tensor> good = TestModels.constant(NAMES, SHAPES, 1f);
    assertInvalid(client, "unknown tensor 'conv9.weight'",
        List.of(Tensors.of("conv9.weight", new long[] {2, 3}, good.get(0).getData())));
    assertInvalid(client, "tensor 'w' has shape [3, 2] but the model's is [2, 3]",
        List.of(Tensors.of("w", new long[] {3, 2}, good.get(0).getData())));
    assertInvalid(client, "tensor 'b' of shape [3] needs 12 bytes, got 13",
        List.of(Tensors.of("b", new long[] {3}, good.get(1).getData().concat(com.google.protobuf.ByteString.copyFrom(new byte[1])))));
    assertInvalid(client, "gradients of tensor 'b' hold NaN at index 1",
        List.of(Tensors.encode("b", new long[] {3}, new float[] {0, Float.NaN, 0}, 0, 3)));
    assertInvalid(client, "gradients of tensor 'w' hold -Infinity at index 5",
        List.of(Tensors.encode("w", new long[] {2, 3}, new float[] {0, 0, 0, 0, 0, Float.NEGATIVE_INFINITY}, 0, 6)));
    StatusRuntimeException noWorker = assertThrows(StatusRuntimeException.class, () -> client.pushGradients(push("", 0, good, true)));
    assertEquals(Status.Code.INVALID_ARGUMENT, noWorker.getStatus().getCode());
    assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> client.pushGradients(push("w0", 99, good, true))));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.reportEpisode(
        ReportEpisodeRequest.newBuilder().setWorkerId("w0").setScore(Double.NaN).build())));
    PullWeightsResponse after = pull(client);
    assertEquals(0, after.getVersion());
    assertEquals(TestModels.random(NAMES, SHAPES, 3, 1f), after.getWeightsList());
    // The optimizer state is untouched too: the next good push is an exact first Adam step.
    PushGradientsResponse reply = client.pushGradients(push("w0", 0, good, true));
    assertEquals(Tensors.toArray(after.getWeights(1))[0] - 1e-3f, Tensors.toArray(reply.getWeights(1))[0], 1e-6f);
  }

  @Test
  void pushCounters_areUnsigned_andOutOfRangeOnesAreRefused_withoutTouchingTheGlobalStep() throws Exception {
    ParameterServer server = start(config(), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    List<Tensor> good = TestModels.constant(NAMES, SHAPES, 1f);
    client.pushGradients(push("w0", 0, good, false));
    // uint32 4294967295 arrives in Java as -1; read as signed it would lower the global step.
    StatusRuntimeException wrapped = assertThrows(StatusRuntimeException.class,
        () -> client.pushGradients(push("w0", 1, good, false).toBuilder().setAgentSteps(-1).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, wrapped.getStatus().getCode());
    assertEquals("a push covers at most 1048576 agent steps and 16777216 frames, got 4294967295 and 80",
        wrapped.getStatus().getDescription());
    assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.pushGradients(
        push("w0", 1, good, false).toBuilder().setFrames(-1).build())));
    // uint64 2^64 - 1 arrives as -1: it is a version far in the future, not one in the past.
    assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> client.pushGradients(push("w0", -1, good, false))));
    GetStatusResponse status = client.getStatus(GetStatusRequest.getDefaultInstance());
    assertEquals(1, status.getVersion());
    assertEquals(20, status.getGlobalStep());
    assertEquals(StopReason.STOP_REASON_NONE, status.getStop());
    assertEquals(0.0, status.getMeanStaleness(), 0.0);
  }

  @Test
  void relayedPushes_reportTheRelaysShareOfTheStaleness_andAHeldVersionAheadOfTheServerIsRefused() throws Exception {
    ParameterServer server = start(config(), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    List<Tensor> good = TestModels.constant(NAMES, SHAPES, 1f);
    GetStatusResponse none = client.getStatus(GetStatusRequest.getDefaultInstance());
    assertEquals(0.0, none.getMeanRelayStaleness(), 0.0);
    assertEquals(0, none.getRelayedUpdates());
    // A direct push, at version 0: staleness 0, no relay.
    client.pushGradients(push("w0", 0, good, false));
    // Relayed, arriving at 1 with the relay holding 1: 1 behind, all of it the worker's lag behind its relay.
    client.pushGradients(relayed(push("h0", 0, good, false), 1));
    // Arriving at 2 with the relay holding 1: 1 behind, all of it the relay's.
    client.pushGradients(relayed(push("h0", 1, good, false), 1));
    // Arriving at 3 with the relay holding 1, older than the base version 2 (it went back to a restarted
    // server's version): 1 behind, the relay's, never more than the push's whole staleness.
    client.pushGradients(relayed(push("h0", 2, good, false), 1));
    GetStatusResponse status = client.getStatus(GetStatusRequest.getDefaultInstance());
    assertEquals(4, status.getUpdates());
    assertEquals(3.0 / 4, status.getMeanStaleness(), 1e-9);
    assertEquals(2.0 / 3, status.getMeanRelayStaleness(), 1e-9);
    assertEquals(3, status.getRelayedUpdates());
    // A relay still holding the weights of a server since restarted from an older checkpoint: its
    // workers must pull again, as when the base version is ahead; 2^64 - 1 arrives as -1.
    for (long ahead : new long[] {5, -1}) {
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> client.pushGradients(relayed(push("h0", 4, good, false), ahead)));
      assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
      assertEquals("relay_held_version " + Long.toUnsignedString(ahead) + " is newer than the server's version 4: "
          + "pull the weights again", refused.getStatus().getDescription());
    }
    GetStatusResponse after = client.getStatus(GetStatusRequest.getDefaultInstance());
    assertEquals(List.of(4L, 4L, 80L), List.of(after.getVersion(), after.getUpdates(), after.getGlobalStep()));
    assertEquals(status.getMeanStaleness(), after.getMeanStaleness(), 0.0);
    assertEquals(status.getMeanRelayStaleness(), after.getMeanRelayStaleness(), 0.0);
    assertEquals(3, after.getRelayedUpdates());
  }

  @Test
  void gradientsTooLargeToSquare_areRefused() throws Exception {
    ParameterServer server = start(config(), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    assertInvalid(client, "gradients of tensor 'b' hold 1.0E19 at index 2: only finite values within +-1.0E18 are accepted",
        List.of(Tensors.encode("b", new long[] {3}, new float[] {0, 0, 1e19f}, 0, 3)));
    client.pushGradients(push("w0", 0, List.of(Tensors.encode("b", new long[] {3}, new float[] {0, 0, -1e18f}, 0, 3)), false));
    assertEquals(1, client.getStatus(GetStatusRequest.getDefaultInstance()).getVersion());
  }

  @Test
  void episodes_withScoresOrLengthsOutOfRange_orAWorkerIdUnfitForTheCsv_areRefused() throws Exception {
    Path csv = folder.resolve("episodes.csv");
    ParameterServer server = start(config().withEpisodesCsv(csv), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    for (double score : new double[] {1e20, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NaN}) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId("w0").setScore(score).build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().startsWith("episode score must be finite and within +-1.0E9"));
    }
    assertEquals("episode length 18446744073709551615 is out of range", assertThrows(StatusRuntimeException.class,
        () -> client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId("w0").setScore(1).setLength(-1).build()))
        .getStatus().getDescription());
    for (String id : new String[] {"w,1", "w 1", "w\n1", "x".repeat(129)}) {
      assertEquals(Status.Code.INVALID_ARGUMENT,
          code(() -> client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId(id).setScore(1).build())), id);
      assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.register(RegisterRequest.newBuilder().setWorkerId(id).build())), id);
    }
    client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId("host-1.w_2").setScore(-1e9).setLength(7).build());
    GetStatusResponse status = client.getStatus(GetStatusRequest.getDefaultInstance());
    assertEquals(1, status.getEpisodes());
    assertEquals(-1e9, status.getMean100(), 0.0);
    assertEquals(List.of("w0", "host-1.w_2"), status.getWorkersList().stream().map(w -> w.getWorkerId()).sorted(
        java.util.Comparator.reverseOrder()).toList());
    List<String> lines = java.nio.file.Files.readAllLines(csv);
    assertEquals(2, lines.size(), lines.toString());
    assertEquals(8, lines.get(1).split(",", -1).length, lines.get(1));
  }

  @Test
  void aRefusedRegistration_leavesNoTrace_theNextWorkerStillInitializes() throws Exception {
    ParameterServer server = start(config(), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.register(
        RegisterRequest.newBuilder().setWorkerId("stray").setEnvName("BreakoutNoFrameskip-v4").build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals("worker stray plays 'BreakoutNoFrameskip-v4' but this server trains Test-v0", e.getStatus().getDescription());
    assertEquals(0, client.getStatus(GetStatusRequest.getDefaultInstance()).getWorkersCount());
    initialize(client);
  }

  private static void assertInvalid(ParameterServerGrpc.BlockingStub client, String message, List<Tensor> gradients) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.pushGradients(push("w0", 0, gradients, true)));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith(message), e.getStatus().getDescription());
  }

  @Test
  void initialWeightsThatAreBad_areInvalidArgument_andTheServerStaysUninitialised() throws Exception {
    ParameterServer server = start(config(), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    assertTrue(client.register(RegisterRequest.newBuilder().setWorkerId("w0").build()).getInitialize());
    assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.initializeWeights(InitializeWeightsRequest.newBuilder()
        .setWorkerId("w0").addWeights(Tensors.encode("w", new long[] {1}, new float[] {Float.NaN}, 0, 1)).build())));
    assertFalse(client.getStatus(GetStatusRequest.getDefaultInstance()).getInitialized());
  }

  @Test
  void workerWithAnotherModel_isTurnedAway() throws Exception {
    ParameterServer server = start(config(), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.register(RegisterRequest.newBuilder()
        .setWorkerId("w1").addModel(Tensors.spec("w", new long[] {2, 3})).addModel(Tensors.spec("b", new long[] {4})).build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals("worker w1 has a different model than this server: tensor 'b' has shape [4] in the worker but [3] on the server",
        e.getStatus().getDescription());
  }

  @Test
  void authToken_isRequiredOnEveryCall_butNotForHealthChecks() throws Exception {
    ParameterServer server = start(config().withAuthToken("s3cret-token"), null);
    Channel channel = channel(server);
    StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
        () -> client(channel).getStatus(GetStatusRequest.getDefaultInstance()));
    assertEquals(Status.Code.UNAUTHENTICATED, missing.getStatus().getCode());
    StatusRuntimeException wrong = assertThrows(StatusRuntimeException.class,
        () -> client(ClientInterceptors.intercept(channel, Channels.bearer("guess"))).register(
            RegisterRequest.newBuilder().setWorkerId("w0").build()));
    assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());
    assertFalse(wrong.getStatus().getDescription().contains("s3cret"), "the token is never revealed");
    assertTrue(client(ClientInterceptors.intercept(channel, Channels.bearer("s3cret-token")))
        .register(RegisterRequest.newBuilder().setWorkerId("w0").build()).getInitialize());
    HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(ParameterServerGrpc.SERVICE_NAME).build());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
  }

  @Test
  void roundsMeasure_stopsOnTheReferencesRule_andTheStatusAndCheckpointShowBothMeasures() throws Exception {
    ParameterServer server = start(config().withStopRule(5, 0).withStopMeasure(StopMeasure.ROUNDS)
        .withCheckpoints(folder, Duration.ofHours(1)), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    client.pushGradients(push("w1", 0, TestModels.constant(NAMES, SHAPES, 1f), false));
    for (int round = 1; round <= 101; round++) {
      // w0 always scores 0 and w1 always 10: every round averages 5, every episode is 0 or 10.
      ReportEpisodeResponse first = client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId("w0").setScore(0).setLength(10).build());
      ReportEpisodeResponse second = client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId("w1").setScore(10).setLength(10).build());
      assertEquals(StopReason.STOP_REASON_NONE, first.getStop(), "round " + round);
      assertEquals(round == 101 ? StopReason.STOP_REASON_TARGET_REACHED : StopReason.STOP_REASON_NONE, second.getStop(),
          "round " + round + ": the reference's rule needs more than 100 rounds, though our mean100 reached 5 at round 50");
    }
    GetStatusResponse live = client.getStatus(GetStatusRequest.getDefaultInstance());
    assertEquals("rounds", live.getStopMeasure());
    assertEquals(101, live.getRounds());
    assertEquals(5.0, live.getRoundMean100(), 1e-12);
    assertEquals(5.0, live.getMean100(), 1e-12);
    assertTrue(server.awaitStop(Duration.ofSeconds(20)));
    Checkpoint last = CheckpointFolder.load(server.lastCheckpoint()).checkpoint();
    assertEquals("rounds", last.getHyperparameters().getStopMeasure());
    GetStatusResponse fromCheckpoint = ParameterServer.status(last);
    assertEquals(101, fromCheckpoint.getRounds());
    assertEquals(5.0, fromCheckpoint.getRoundMean100(), 1e-12);
    assertEquals("rounds", fromCheckpoint.getStopMeasure());
  }

  @Test
  void targetReached_everyReplyTellsWorkersToStop_andAFinalCheckpointIsWritten() throws Exception {
    ParameterServer server = start(config().withStopRule(5, 0).withCheckpoints(folder, Duration.ofHours(1)), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    client.pushGradients(push("w0", 0, TestModels.constant(NAMES, SHAPES, 1f), false));
    ReportEpisodeResponse reply = null;
    for (int i = 0; i < 100; i++) {
      // 50 episodes at 0 then 50 at 10: the mean of the last 100 reaches 5 exactly at the 100th.
      reply = client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId("w0").setScore(i < 50 ? 0 : 10).setLength(10).build());
      assertEquals(i == 99 ? StopReason.STOP_REASON_TARGET_REACHED : StopReason.STOP_REASON_NONE, reply.getStop(), "episode " + i);
    }
    assertEquals(5.0, reply.getMean100(), 1e-9);
    assertTrue(server.awaitStop(Duration.ofSeconds(20)));
    PushGradientsResponse afterStop = client.pushGradients(push("w0", 1, TestModels.constant(NAMES, SHAPES, 1f), false));
    assertEquals(StopReason.STOP_REASON_TARGET_REACHED, afterStop.getStop());
    assertEquals(1, afterStop.getVersion(), "no update is applied after the stop");
    Path last = server.lastCheckpoint();
    assertEquals(StopReason.STOP_REASON_TARGET_REACHED, CheckpointFolder.load(last).checkpoint().getStop());
    assertEquals(100, CheckpointFolder.load(last).checkpoint().getEpisodesCount());
    GetStatusResponse live = client.getStatus(GetStatusRequest.getDefaultInstance());
    GetStatusResponse fromCheckpoint = ParameterServer.status(CheckpointFolder.load(last).checkpoint());
    assertEquals(StopReason.STOP_REASON_TARGET_REACHED, fromCheckpoint.getStop());
    assertEquals(live.getGlobalStep(), fromCheckpoint.getGlobalStep());
    assertEquals(live.getUpdates(), fromCheckpoint.getUpdates());
    assertEquals(live.getEpisodes(), fromCheckpoint.getEpisodes());
    assertEquals(live.getMean100(), fromCheckpoint.getMean100(), 1e-12);
  }

  @Test
  void sharedMemoryPush_appliesTheFilesGradients_andPublishesTheWeightsToo() throws Exception {
    Path shm = folder.resolve("shm");
    ParameterServer server = start(config().withSharedMemory(shm), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    try (SharedGradients gradients = SharedGradients.create(shm, "w0", 9);
        SharedWeights weights = SharedWeights.open(shm, 9)) {
      gradients.write(TestModels.constant(NAMES, SHAPES, 1f).stream().map(t -> t.getData().asReadOnlyByteBuffer()).toList());
      PushGradientsResponse reply = client.pushGradients(PushGradientsRequest.newBuilder().setWorkerId("w0")
          .setGradientsFile(gradients.name()).setAgentSteps(20).build());
      assertEquals(1, reply.getVersion());
      assertEquals(0, reply.getWeightsCount());
      List<Tensor> pulled = pull(client).getWeightsList();
      long version = weights.read(new int[] {6, 3}, tensors -> {
        for (int t = 0; t < 2; t++) {
          assertEquals(pulled.get(t).getData(), com.google.protobuf.ByteString.copyFrom(tensors.get(t).duplicate()));
        }
      });
      assertEquals(1, version);
      for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, -2e18f}) {
        gradients.write(List.of(java.nio.ByteBuffer.wrap(new byte[36]).order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .putFloat(8, bad).rewind()));
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> client.pushGradients(
            PushGradientsRequest.newBuilder().setWorkerId("w0").setGradientsFile(gradients.name()).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(), "gradient " + bad);
        assertTrue(refused.getStatus().getDescription().contains("hold " + bad + " at index 2"),
            refused.getStatus().getDescription());
        assertEquals(1, pull(client).getVersion());
      }
    }
    assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.pushGradients(
        PushGradientsRequest.newBuilder().setWorkerId("w0").setGradientsFile("../../etc/passwd").build())));
  }

  @Test
  void sharedMemoryPush_toAServerWithout_isFailedPrecondition() throws Exception {
    ParameterServer server = start(config(), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> client.pushGradients(
        PushGradientsRequest.newBuilder().setWorkerId("w0").setGradientsFile("gradients-w0.a3cshm").build())));
  }

  @Test
  void maxSteps_stopsTheRun() throws Exception {
    ParameterServer server = start(config().withStopRule(Double.POSITIVE_INFINITY, 40), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    assertEquals(StopReason.STOP_REASON_NONE, client.pushGradients(push("w0", 0, TestModels.constant(NAMES, SHAPES, 1f), false)).getStop());
    assertEquals(StopReason.STOP_REASON_MAX_STEPS, client.pushGradients(push("w0", 1, TestModels.constant(NAMES, SHAPES, 1f), false)).getStop());
    assertTrue(server.awaitStop(Duration.ofSeconds(20)));
  }

  @Test
  void afterTheStop_theServerWaitsOnlyUntilEveryLiveWorkerHasHeardIt() throws Exception {
    ParameterServer server = start(config().withStopRule(Double.POSITIVE_INFINITY, 40), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    client.register(RegisterRequest.newBuilder().setWorkerId("w1").build());
    client.pushGradients(push("w0", 0, TestModels.constant(NAMES, SHAPES, 1f), false));
    assertEquals(StopReason.STOP_REASON_MAX_STEPS, client.pushGradients(push("w0", 1, TestModels.constant(NAMES, SHAPES, 1f), false)).getStop());
    assertTrue(server.awaitStop(Duration.ofSeconds(20)));
    assertFalse(server.awaitWorkersToHearStop(Duration.ofMillis(200)), "w1 has not called since the stop");
    assertEquals(StopReason.STOP_REASON_MAX_STEPS,
        client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId("w1").setScore(1).build()).getStop());
    long start = System.nanoTime();
    assertTrue(server.awaitWorkersToHearStop(Duration.ofSeconds(30)));
    assertTrue(System.nanoTime() - start < 5_000_000_000L, "returns once both have heard, not after the linger");
  }

  @Test
  void status_reportsBothRunningMeans_andTheEpisodeLogHasEveryEpisode() throws Exception {
    Path csv = folder.resolve("episodes.csv");
    ParameterServer server = start(config().withEpisodesCsv(csv), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    client.register(RegisterRequest.newBuilder().setWorkerId("b").build());
    client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId("w0").setScore(1).build());
    client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId("w0").setScore(3).build());
    client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId("b").setScore(5).build());
    GetStatusResponse status = client.getStatus(GetStatusRequest.getDefaultInstance());
    assertEquals(3, status.getEpisodes());
    assertEquals(3.0, status.getMean100(), 1e-9);
    // Two workers, so one round so far: w0's first episode with b's first, (1 + 5) / 2.
    assertEquals(3.0, status.getRoundMean100(), 1e-9);
    assertEquals(5.0, status.getBestScore(), 1e-9);
    List<String> lines = java.nio.file.Files.readAllLines(csv);
    assertEquals(EpisodeLog.HEADER, lines.get(0));
    assertEquals(4, lines.size(), lines.toString());
    String[] last = lines.get(3).split(",", -1);
    assertEquals(List.of("b", "5", "0", "3.0000", "3.0000"), List.of(last[3], last[4], last[5], last[6], last[7]));
    assertEquals("", lines.get(1).split(",", -1)[7], "no round is complete after the first episode");
  }

  @Test
  void checkpoint_resumesExactly_theNextStepMatchesTheUninterruptedRun() throws Exception {
    ParameterServer original = start(config().withCheckpoints(folder, Duration.ofHours(1)), null);
    ParameterServerGrpc.BlockingStub client = client(original);
    initialize(client);
    for (int i = 0; i < 3; i++) {
      client.pushGradients(push("w0", i, TestModels.random(NAMES, SHAPES, 20 + i, 1f), false));
    }
    client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId("w0").setScore(-20).setLength(900).build());
    Path file = original.checkpoint();
    ParameterServer resumed = start(config(), CheckpointFolder.load(folder));
    ParameterServerGrpc.BlockingStub resumedClient = client(resumed);
    GetStatusResponse status = resumedClient.getStatus(GetStatusRequest.getDefaultInstance());
    assertEquals(3, status.getVersion());
    assertEquals(60, status.getGlobalStep());
    assertEquals(1, status.getEpisodes());
    assertEquals(-20, status.getMean100(), 1e-9);
    assertEquals(pull(client).getWeightsList(), pull(resumedClient).getWeightsList());
    List<Tensor> next = TestModels.random(NAMES, SHAPES, 99, 1f);
    PushGradientsResponse a = client.pushGradients(push("w0", 3, next, true));
    PushGradientsResponse b = resumedClient.pushGradients(push("w0", 3, next, true));
    assertArrayEquals(Tensors.toArray(a.getWeights(0)), Tensors.toArray(b.getWeights(0)), 0f);
    assertNotEquals(null, file);
    // The staleness mean covers this server's own two updates, 0 and 1 behind, not the checkpoint's too.
    resumedClient.pushGradients(push("w0", 3, next, false));
    assertEquals(0.5, resumedClient.getStatus(GetStatusRequest.getDefaultInstance()).getMeanStaleness(), 0.0);
  }

  @Test
  void refusedCalls_registerNoWorker_andWorkersSilentForLong_ageOutOfTheRoundAndTheStatus() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    ParameterServer server = start(config().withCheckpoints(folder, Duration.ofHours(1)), null, clock);
    ParameterServerGrpc.BlockingStub client = client(server);
    List<Tensor> good = TestModels.constant(NAMES, SHAPES, 1f);
    for (int i = 0; i < 50; i++) {
      String ghost = "ghost-" + i;
      assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> client.pushGradients(push(ghost, 0, good, false))));
    }
    initialize(client);
    List<Tensor> nan = List.of(Tensors.encode("b", new long[] {3}, new float[] {Float.NaN, 0, 0}, 0, 3));
    for (int i = 0; i < 50; i++) {
      String ghost = "ghost-" + i;
      assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> client.initializeWeights(
          InitializeWeightsRequest.newBuilder().setWorkerId(ghost).addAllWeights(good).build())));
      assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.pushGradients(push(ghost, 0, nan, false))));
      assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> client.pushGradients(push(ghost, -1, good, false))));
    }
    assertEquals(List.of("w0"), workerIds(client));
    client.register(RegisterRequest.newBuilder().setWorkerId("w1").build());
    client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId("w0").setScore(1).build());
    client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId("w1").setScore(3).build());
    assertEquals(2.0, client.getStatus(GetStatusRequest.getDefaultInstance()).getRoundMean100(), 1e-9);
    clock.advance(ParameterServer.FORGET_AFTER.plusSeconds(1));
    client.pushGradients(push("w0", 0, good, false));
    assertEquals(List.of("w0"), workerIds(client), "w1 has been silent longer than " + ParameterServer.FORGET_AFTER);
    // With w1 forgotten a round is w0's episode alone: the rounds are (1 + 3) / 2 and 5.
    client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId("w0").setScore(5).build());
    assertEquals(3.5, client.getStatus(GetStatusRequest.getDefaultInstance()).getRoundMean100(), 1e-9);
    List<String> history = CheckpointFolder.load(server.checkpoint()).checkpoint().getEpisodesList().stream()
        .map(episode -> episode.getWorkerId()).toList();
    assertEquals(List.of("w0", "w1", "w0"), history, "the checkpoint keeps every episode, the forgotten worker's too");
  }

  private static List<String> workerIds(ParameterServerGrpc.BlockingStub client) {
    return client.getStatus(GetStatusRequest.getDefaultInstance()).getWorkersList().stream()
        .map(worker -> worker.getWorkerId()).toList();
  }

  @Test
  void longValues_areQuotedByAPrefixAndTheirLength_andTheConnectionGoesOnServing() throws Exception {
    ParameterServer server = start(config(), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    String huge = "x".repeat(64 << 10);
    List<Tensor> good = TestModels.constant(NAMES, SHAPES, 1f);
    long[] manyDimensions = new long[10_000];
    java.util.Arrays.fill(manyDimensions, 1);
    List<StatusRuntimeException> refusals = List.of(
        assertThrows(StatusRuntimeException.class, () -> client.pushGradients(push(huge, 0, good, false))),
        assertThrows(StatusRuntimeException.class, () -> client.register(RegisterRequest.newBuilder().setWorkerId("w1")
            .setEnvName(huge).build())),
        assertThrows(StatusRuntimeException.class, () -> client.register(RegisterRequest.newBuilder().setWorkerId("w1")
            .setHostname(huge).build())),
        assertThrows(StatusRuntimeException.class, () -> client.pushGradients(push("w0", 0,
            List.of(Tensors.of(huge, new long[] {2, 3}, good.get(0).getData())), false))),
        assertThrows(StatusRuntimeException.class, () -> client.pushGradients(push("w0", 0,
            List.of(Tensors.of("w", manyDimensions, good.get(0).getData())), false))),
        assertThrows(StatusRuntimeException.class, () -> client.register(RegisterRequest.newBuilder().setWorkerId("w1")
            .addModel(Tensors.spec(huge, new long[] {2, 3})).addModel(Tensors.spec("b", new long[] {3})).build())));
    for (StatusRuntimeException refusal : refusals) {
      String description = refusal.getStatus().getDescription();
      assertTrue(refusal.getStatus().getCode() == Status.Code.INVALID_ARGUMENT
          || refusal.getStatus().getCode() == Status.Code.FAILED_PRECONDITION, refusal.getStatus().toString());
      assertTrue(description.length() < 300, description);
      assertTrue(description.contains("(65536 chars)") || description.contains("(10000 dimensions)"), description);
    }
    assertEquals(0, client.getStatus(GetStatusRequest.getDefaultInstance()).getVersion(), "the connection still serves");
  }

  @Test
  void requestBytesThatDoNotParse_areInvalidArgument_andChangeNothing() throws Exception {
    ParameterServer server = start(config(), null);
    Channel channel = channel(server);
    ParameterServerGrpc.BlockingStub client = client(channel);
    initialize(client);
    byte[][] garbage = {{0}, {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}, {(byte) 0xff, (byte) 0xff}};
    for (var method : List.of(ParameterServerGrpc.REGISTER, ParameterServerGrpc.PUSH_GRADIENTS, ParameterServerGrpc.PULL_WEIGHTS,
        ParameterServerGrpc.INITIALIZE_WEIGHTS, ParameterServerGrpc.REPORT_EPISODE, ParameterServerGrpc.GET_STATUS)) {
      for (byte[] bytes : garbage) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> RawCalls.call(channel, method, bytes, null));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), method.getFullMethodName() + " " + e.getStatus());
        assertTrue(e.getStatus().getDescription().startsWith("the bytes are not a valid a3c.v1."), e.getStatus().toString());
      }
    }
    GetStatusResponse status = client.getStatus(GetStatusRequest.getDefaultInstance());
    assertEquals(0, status.getVersion());
    assertEquals(List.of("w0"), status.getWorkersList().stream().map(w -> w.getWorkerId()).toList());
  }

  @Test
  void sharedGradientsFileThatShrinksAfterTheServerMappedIt_isInvalidArgument_andAFreshFileWorksAgain() throws Exception {
    Path shm = folder.resolve("shm");
    ParameterServer server = start(config().withSharedMemory(shm), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    PushGradientsRequest fromFile = PushGradientsRequest.newBuilder().setWorkerId("w0")
        .setGradientsFile(SharedGradients.fileName("w0")).setAgentSteps(20).build();
    try (SharedGradients gradients = SharedGradients.create(shm, "w0", 9)) {
      gradients.write(TestModels.constant(NAMES, SHAPES, 1f).stream().map(t -> t.getData().asReadOnlyByteBuffer()).toList());
      assertEquals(1, client.pushGradients(fromFile).getVersion());
    }
    try (var file = java.nio.channels.FileChannel.open(shm.resolve(SharedGradients.fileName("w0")),
        java.nio.file.StandardOpenOption.WRITE)) {
      file.truncate(8);
    }
    StatusRuntimeException shrunk = assertThrows(StatusRuntimeException.class, () -> client.pushGradients(fromFile));
    assertEquals(Status.Code.INVALID_ARGUMENT, shrunk.getStatus().getCode(), shrunk.getStatus().toString());
    assertTrue(shrunk.getStatus().getDescription().contains("holds 8 bytes"), shrunk.getStatus().getDescription());
    // A restarted worker makes its file afresh: the server maps it again.
    try (SharedGradients gradients = SharedGradients.create(shm, "w0", 9)) {
      gradients.write(TestModels.constant(NAMES, SHAPES, 1f).stream().map(t -> t.getData().asReadOnlyByteBuffer()).toList());
      assertEquals(2, client.pushGradients(fromFile.toBuilder().setBaseVersion(1).build()).getVersion());
    }
    StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, () -> client.pushGradients(
        fromFile.toBuilder().setGradientsFile(SharedGradients.fileName("w9")).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, missing.getStatus().getCode());
    assertEquals("no shared gradients file gradients-w9.a3cshm in the server's shared-memory folder",
        missing.getStatus().getDescription(), "the server's folder is not revealed");
  }

  @Test
  void futureVersion_isPrintedUnsigned() throws Exception {
    ParameterServer server = start(config(), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> client.pushGradients(push("w0", -1, TestModels.constant(NAMES, SHAPES, 1f), false)));
    assertEquals("base version 18446744073709551615 is newer than the server's version 0: pull the weights again",
        e.getStatus().getDescription());
  }
}
