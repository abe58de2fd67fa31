package a3c.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.net.Channels;
import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.proto.DType;
import a3c.proto.GetStatusResponse;
import a3c.proto.InitializeWeightsRequest;
import a3c.proto.PullWeightsRequest;
import a3c.proto.PullWeightsResponse;
import a3c.proto.PushGradientsRequest;
import a3c.proto.PushGradientsResponse;
import a3c.proto.RegisterRequest;
import a3c.proto.Tensor;
import a3c.ps.ParameterServer;
import a3c.ps.ServerConfig;
import a3c.rpc.ParameterServerGrpc;
import a3c.rpc.Tensors;
import a3c.rpc.WireDtypes;
import a3c.shm.SharedGradients;
import a3c.shm.SharedWeights;
import a3c.testing.TestModels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A relay between a real parameter server and a client, all over sockets, with a real shared-memory folder. */
class RelayTest {
  private static final String[] NAMES = TestModels.SMALL_NAMES;
  private static final long[][] SHAPES = TestModels.SMALL_SHAPES;
  private static final int FLOATS = 9;

  @TempDir Path shm;
  private ParameterServer server;
  private Relay relay;
  private ManagedChannel channel;
  private ParameterServerGrpc.BlockingStub worker;
  private ParameterServerGrpc.BlockingStub direct;
  private ManagedChannel directChannel;

  @BeforeEach
  void start() throws Exception {
    server = ParameterServer.start(config(0), null);
    relay = Relay.start("127.0.0.1:" + server.port(), "secret", null, 0, shm, DType.DTYPE_FLOAT32);
    channel = Channels.open("127.0.0.1:" + relay.port(), "secret", null);
    worker = ParameterServerGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    directChannel = Channels.open("127.0.0.1:" + server.port(), "secret", null);
    direct = ParameterServerGrpc.newBlockingStub(directChannel).withDeadlineAfter(30, TimeUnit.SECONDS);
    assertTrue(worker.register(RegisterRequest.newBuilder().setWorkerId("w-0").build()).getInitialize());
    worker.initializeWeights(InitializeWeightsRequest.newBuilder().setWorkerId("w-0")
        .addAllWeights(TestModels.constant(NAMES, SHAPES, 0.5f)).build());
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    directChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    relay.close();
    server.close();
  }

  @Test
  void push_throughSharedMemory_reachesTheServerAndPublishesItsWeights() throws Exception {
    PullWeightsResponse pulled = worker.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("w-0").build());
    assertEquals(2, pulled.getWeightsCount());
    try (SharedGradients gradients = SharedGradients.create(shm, "w-0", FLOATS)) {
      gradients.write(List.of(floats(FLOATS, 1f)));
      PushGradientsResponse reply = worker.pushGradients(PushGradientsRequest.newBuilder().setWorkerId("w-0")
          .setBaseVersion(pulled.getVersion()).setAgentSteps(20).setGradientsFile(gradients.name()).build());
      assertEquals(1, reply.getVersion());
      assertEquals(0, reply.getWeightsCount());
      assertEquals(1, server.status().getUpdates());
      assertEquals(20, server.status().getGlobalStep());
      try (SharedWeights shared = SharedWeights.open(shm, FLOATS)) {
        float[] read = new float[FLOATS];
        assertEquals(1, shared.read(new int[] {6, 3}, tensors -> {
          tensors.get(0).asFloatBuffer().get(read, 0, 6);
          tensors.get(1).asFloatBuffer().get(read, 6, 3);
        }));
        // Adam's first step moves every weight by about the learning rate against the gradient's sign.
        assertEquals(0.49f, read[0], 1e-4f);
        assertEquals(Tensors.toArray(direct.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("probe").build())
            .getWeights(1))[0], read[6], 0f);
      }
    }
  }

  @Test
  void push_withNaNInSharedMemory_isRefusedBeforeTheServer() throws Exception {
    worker.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("w-0").build());
    try (SharedGradients gradients = SharedGradients.create(shm, "w-0", FLOATS)) {
      ByteBuffer values = floats(FLOATS, 1f);
      values.putFloat(7 * Float.BYTES, Float.NaN);
      gradients.write(List.of(values));
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> worker.pushGradients(
          PushGradientsRequest.newBuilder().setWorkerId("w-0").setGradientsFile(gradients.name()).build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
      assertTrue(refused.getStatus().getDescription().contains("tensor 'b' hold NaN at index 1"), refused.getMessage());
    }
    assertEquals(0, server.status().getUpdates());
  }

  @Test
  void push_ofListedTensors_withAWrongShape_isRefusedBeforeTheServer() {
    worker.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("w-0").build());
    List<Tensor> wrong = TestModels.constant(NAMES, new long[][] {{3, 2}, {3}}, 1f);
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> worker.pushGradients(
        PushGradientsRequest.newBuilder().setWorkerId("w-0").addAllGradients(wrong).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
    assertTrue(refused.getStatus().getDescription().contains("tensor 'w' has shape [3, 2] but the model's is [2, 3]"),
        refused.getMessage());
    StatusRuntimeException infinite = assertThrows(StatusRuntimeException.class, () -> worker.pushGradients(
        PushGradientsRequest.newBuilder().setWorkerId("w-0")
            .addAllGradients(TestModels.constant(NAMES, SHAPES, Float.POSITIVE_INFINITY)).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, infinite.getStatus().getCode());
    assertTrue(infinite.getStatus().getDescription().contains("tensor 'w' hold Infinity at index 0"), infinite.getMessage());
    assertEquals(0, server.status().getUpdates());
  }

  @Test
  void push_ofListedTensors_returnsTheNewWeightsWhenAsked() {
    worker.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("w-0").build());
    PushGradientsResponse reply = worker.pushGradients(PushGradientsRequest.newBuilder().setWorkerId("w-0")
        .addAllGradients(TestModels.constant(NAMES, SHAPES, 1f)).setReturnWeights(true).build());
    assertEquals(1, reply.getVersion());
    assertEquals(2, reply.getWeightsCount());
    assertEquals(0.49f, Tensors.toArray(reply.getWeights(0))[0], 1e-4f);
  }

  @Test
  void relayedPushes_countTheVersionsTheHostLacked_asTheRelaysShareOfTheStaleness() {
    worker.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("w-0").build());
    List<Tensor> gradients = TestModels.constant(NAMES, SHAPES, 1f);
    // Another host's update: the server is at 1 while this host holds 0.
    direct.pushGradients(PushGradientsRequest.newBuilder().setWorkerId("remote").addAllGradients(gradients).build());
    assertEquals(2, worker.pushGradients(PushGradientsRequest.newBuilder().setWorkerId("w-0").setBaseVersion(0)
        .addAllGradients(gradients).build()).getVersion());
    // The reply brought version 2 to this host: the next push lacks nothing.
    worker.pushGradients(PushGradientsRequest.newBuilder().setWorkerId("w-0").setBaseVersion(2)
        .addAllGradients(gradients).build());
    GetStatusResponse status = server.status();
    assertEquals(3, status.getUpdates());
    assertEquals(1.0 / 3, status.getMeanStaleness(), 1e-9);
    assertEquals(2, status.getRelayedUpdates());
    assertEquals(0.5, status.getMeanRelayStaleness(), 1e-9);
  }

  @Test
  void pull_ofTheVersionHeld_carriesNoWeights_butTheSameNumberFromAnotherStoreDoes() {
    PullWeightsResponse full = direct.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("probe").build());
    PullWeightsResponse same = direct.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("probe")
        .setHeldVersion(full.getVersion()).setHeldStore(full.getStore()).build());
    assertEquals(2, full.getWeightsCount());
    assertTrue(full.getStore() != 0);
    assertEquals(full.getVersion(), same.getVersion());
    assertEquals(0, same.getWeightsCount());
    // Version numbers of a server restarted from a checkpoint name other weights.
    PullWeightsResponse otherStore = direct.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("probe")
        .setHeldVersion(full.getVersion()).setHeldStore(full.getStore() + 1).build());
    assertEquals(2, otherStore.getWeightsCount());
    // Through the relay, every pull is answered with weights: the relay fills in the ones it holds.
    worker.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("w-0").build());
    assertEquals(2, worker.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("w-0").build()).getWeightsCount());
  }

  @Test
  void serverStartedAfresh_atTheVersionHeld_servesTheNewInitialWeights() throws Exception {
    worker.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("w-0").build());
    int port = server.port();
    server.close();
    server = ParameterServer.start(config(port), null);
    awaitRegistered();
    worker.initializeWeights(InitializeWeightsRequest.newBuilder().setWorkerId("w-0")
        .addAllWeights(TestModels.constant(NAMES, SHAPES, -2f)).build());
    PullWeightsResponse pulled = worker.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("w-0").build());
    assertEquals(0, pulled.getVersion());
    assertEquals(-2f, Tensors.toArray(pulled.getWeights(0))[0], 0f);
  }

  /** Registers through the relay once its channel has reconnected to a restarted server; true when asked to initialise. */
  private boolean awaitRegistered() throws InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return ParameterServerGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
            .register(RegisterRequest.newBuilder().setWorkerId("w-0").build()).getInitialize();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > giveUp) {
          throw e;
        }
        // The relay's channel reconnects with its own backoff; ask again shortly.
        Thread.sleep(100);
      }
    }
  }

  @Test
  void localCalls_withoutTheServersToken_orWithAnother_areRefused_andReachNothing() throws Exception {
    for (String token : new String[] {null, "guess"}) {
      ManagedChannel stranger = Channels.open("127.0.0.1:" + relay.port(), token, null);
      try {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> ParameterServerGrpc.newBlockingStub(stranger)
            .withDeadlineAfter(30, TimeUnit.SECONDS).pushGradients(PushGradientsRequest.newBuilder().setWorkerId("w-9")
                .setAgentSteps(20).addAllGradients(TestModels.constant(NAMES, SHAPES, 1f)).build()));
        assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode(), String.valueOf(token));
      } finally {
        stranger.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    assertEquals(0, server.status().getUpdates());
  }

  @Test
  void callsWhileTheServerIsDown_failAsUnavailable_andWorkAgainOnceItIsBack() throws Exception {
    int port = server.port();
    server.close();
    StatusRuntimeException down = assertThrows(StatusRuntimeException.class,
        () -> worker.register(RegisterRequest.newBuilder().setWorkerId("w-0").build()));
    assertEquals(Status.Code.UNAVAILABLE, down.getStatus().getCode());
    server = ParameterServer.start(config(port), null);
    assertTrue(awaitRegistered());
  }

  @Test
  void aConnectionToTheServerThatFailed_reachesTheWorkerAsUnavailable_whichItRetries() {
    List<Throwable> errors = new ArrayList<>();
    StreamObserver<Object> observer = new StreamObserver<>() {
      @Override
      public void onNext(Object value) {}

      @Override
      public void onError(Throwable t) {
        errors.add(t);
      }

      @Override
      public void onCompleted() {}
    };
    RelayService.forward(observer, () -> {
      throw Status.UNKNOWN.withDescription("channel closed").withCause(new ClosedChannelException()).asRuntimeException();
    });
    RelayService.forward(observer, () -> {
      throw Status.UNKNOWN.withDescription("the server's own error").asRuntimeException();
    });
    assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(errors.get(0)).getCode());
    assertTrue(Status.fromThrowable(errors.get(0)).getDescription().contains("channel closed"));
    assertEquals(Status.Code.UNKNOWN, Status.fromThrowable(errors.get(1)).getCode());
  }

  @Test
  void server_takesBfloat16Gradients_andAnswersInTheDtypeAsked_keepingFloat32Weights() {
    List<Tensor> gradients = a3c.rpc.WireDtypes.as(TestModels.constant(NAMES, SHAPES, 1f), DType.DTYPE_BFLOAT16);
    PushGradientsResponse reply = direct.pushGradients(PushGradientsRequest.newBuilder().setWorkerId("remote")
        .addAllGradients(gradients).setReturnWeights(true).setWeightsDtype(DType.DTYPE_BFLOAT16).build());
    assertEquals(DType.DTYPE_BFLOAT16, reply.getWeights(0).getDtype());
    assertEquals(6 * 2, reply.getWeights(0).getData().size());
    // 0.5 - 0.01 travels as the nearest bfloat16, 0.490234375; the server keeps 0.49 in float32.
    assertEquals(0.490234375f, Tensors.toArray(a3c.rpc.WireDtypes.as(reply.getWeights(0), DType.DTYPE_FLOAT32))[0], 0f);
    float kept = Tensors.toArray(direct.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("remote").build())
        .getWeights(0))[0];
    assertEquals(0.49f, kept, 1e-6f);
    StatusRuntimeException odd = assertThrows(StatusRuntimeException.class, () -> direct.pushGradients(
        PushGradientsRequest.newBuilder().setWorkerId("remote").addGradients(gradients.get(0).toBuilder()
            .setData(gradients.get(0).getData().substring(1))).addGradients(gradients.get(1)).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, odd.getStatus().getCode());
    assertEquals(1, server.status().getUpdates());
  }

  @Test
  void relayOverBfloat16_forwardsPushes_andSharesFloat32Weights() throws Exception {
    try (Relay narrow = Relay.start("127.0.0.1:" + server.port(), "secret", null, 0, shm.resolve("bf16"), DType.DTYPE_BFLOAT16)) {
      ManagedChannel local = Channels.open("127.0.0.1:" + narrow.port(), "secret", null);
      try {
        ParameterServerGrpc.BlockingStub host = ParameterServerGrpc.newBlockingStub(local).withDeadlineAfter(30, TimeUnit.SECONDS);
        PullWeightsResponse pulled = host.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("h-0").build());
        assertEquals(DType.DTYPE_FLOAT32, pulled.getWeights(0).getDtype());
        try (SharedGradients gradients = SharedGradients.create(shm.resolve("bf16"), "h-0", FLOATS)) {
          gradients.write(List.of(floats(FLOATS, 1f)));
          assertEquals(1, host.pushGradients(PushGradientsRequest.newBuilder().setWorkerId("h-0")
              .setGradientsFile(gradients.name()).build()).getVersion());
        }
        try (SharedWeights shared = SharedWeights.open(shm.resolve("bf16"), FLOATS)) {
          float[] read = new float[6];
          assertEquals(1, shared.read(new int[] {6, 3}, tensors -> tensors.get(0).asFloatBuffer().get(read)));
          assertEquals(0.490234375f, read[0], 0f);
        }
      } finally {
        local.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    assertEquals(1, server.status().getUpdates());
  }

  @Test
  void relayOverBfloat16_rebuildsEachVersionFromItsChanges_asTheServerWouldSendItWhole() throws Exception {
    String[] names = {"big"};
    long[][] shapes = {{64, 64}};
    int floats = 64 * 64;
    try (ParameterServer own = ParameterServer.start(config(0), null);
        Relay narrow = Relay.start("127.0.0.1:" + own.port(), "secret", null, 0, shm.resolve("big"), DType.DTYPE_BFLOAT16)) {
      ManagedChannel local = Channels.open("127.0.0.1:" + narrow.port(), "secret", null);
      ManagedChannel straight = Channels.open("127.0.0.1:" + own.port(), "secret", null);
      try {
        ParameterServerGrpc.BlockingStub host = ParameterServerGrpc.newBlockingStub(local).withDeadlineAfter(30, TimeUnit.SECONDS);
        ParameterServerGrpc.BlockingStub probe = ParameterServerGrpc.newBlockingStub(straight).withDeadlineAfter(30, TimeUnit.SECONDS);
        assertTrue(host.register(RegisterRequest.newBuilder().setWorkerId("h-0").build()).getInitialize());
        host.initializeWeights(InitializeWeightsRequest.newBuilder().setWorkerId("h-0")
            .addAllWeights(TestModels.random(names, shapes, 11, 8f)).build());
        host.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("h-0").build());
        try (SharedGradients gradients = SharedGradients.create(shm.resolve("big"), "h-0", floats);
            SharedWeights shared = SharedWeights.open(shm.resolve("big"), floats)) {
          for (int push = 1; push <= 6; push++) {
            gradients.write(List.of(TestModels.random(names, shapes, 100 + push, 1f).getFirst().getData()
                .asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN)));
            assertEquals(push, host.pushGradients(PushGradientsRequest.newBuilder().setWorkerId("h-0")
                .setGradientsFile(gradients.name()).setBaseVersion(push - 1).build()).getVersion());
            float[] read = new float[floats];
            assertEquals(push, shared.read(new int[] {floats}, tensors -> tensors.getFirst().asFloatBuffer().get(read)));
            PullWeightsResponse whole = probe.pullWeights(PullWeightsRequest.newBuilder().setWorkerId("probe")
                .setWeightsDtype(DType.DTYPE_BFLOAT16).build());
            assertEquals(push, whole.getVersion());
            assertArrayEquals(Tensors.toArray(WireDtypes.as(whole.getWeights(0), DType.DTYPE_FLOAT32)), read, "version " + push);
          }
        }
      } finally {
        local.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        straight.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static ServerConfig config(int port) {
    ServerConfig local = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, 0.01), "").withAuthToken("secret");
    return local.withPort(port);
  }

  private static ByteBuffer floats(int count, float value) {
    ByteBuffer buffer = ByteBuffer.allocate(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      buffer.putFloat(value);
    }
    return buffer.clear();
  }
}
