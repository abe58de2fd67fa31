package a3c.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.net.Channels;
import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.proto.DType;
import a3c.proto.InitializeWeightsRequest;
import a3c.proto.PullWeightsResponse;
import a3c.proto.PushGradientsRequest;
import a3c.proto.PushGradientsResponse;
import a3c.proto.RegisterRequest;
import a3c.ps.ParameterServer;
import a3c.ps.ServerConfig;
import a3c.rpc.Tensors;
import a3c.rpc.WeightChanges;
import a3c.testing.TestModels;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A worker's client with bfloat16 on the wire, against a real server over a socket: the worker sees float32 only. */
class PsClientWireTest {
  /** bfloat16 on the client's side, the server's, or both: the worker sees float32 only. */
  @ParameterizedTest(name = "client {0}, server {1}")
  @CsvSource({"DTYPE_BFLOAT16, DTYPE_FLOAT32", "DTYPE_FLOAT32, DTYPE_BFLOAT16", "DTYPE_BFLOAT16, DTYPE_BFLOAT16"})
  void bfloat16OnEitherEnd_handsTheWorkerFloat32_whileTheServerKeepsFloat32(DType clientWire, DType serverWire)
      throws Exception {
    ServerConfig config = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, 0.01), "").withWireDtype(serverWire);
    try (ParameterServer server = ParameterServer.start(config, null)) {
      ManagedChannel channel = Channels.open("127.0.0.1:" + server.port(), null, null);
      try {
        PsClient client = new PsClient(channel, Duration.ofSeconds(5), clientWire);
        client.register(RegisterRequest.newBuilder().setWorkerId("w").build());
        client.initializeWeights(InitializeWeightsRequest.newBuilder().setWorkerId("w")
            .addAllWeights(TestModels.constant(TestModels.SMALL_NAMES, TestModels.SMALL_SHAPES, 0.1f)).build());
        PullWeightsResponse pulled = client.pullWeights("w");
        assertEquals(DType.DTYPE_FLOAT32, pulled.getWeights(0).getDtype());
        // 0.1 is 0x3DCCCCCD in float32; as bfloat16 it rounds to 0x3DCD, 0.10009765625.
        assertEquals(0.10009765625f, Tensors.toArray(pulled.getWeights(0))[0], 0f);

        PushGradientsResponse pushed = client.pushGradients(PushGradientsRequest.newBuilder().setWorkerId("w")
            .addAllGradients(TestModels.constant(TestModels.SMALL_NAMES, TestModels.SMALL_SHAPES, 1f))
            .setReturnWeights(true).build());
        assertEquals(1, pushed.getVersion());
        assertEquals(DType.DTYPE_FLOAT32, pushed.getWeights(1).getDtype());
        assertEquals(3 * Float.BYTES, pushed.getWeights(1).getData().size());
        assertEquals(0.09, Tensors.toArray(pushed.getWeights(1))[0], 0.09 / 128);
        assertEquals(1, server.status().getUpdates());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void bfloat16Weights_comeAsTheirChangesSinceTheLastOnes_andTheWorkerSeesThemWhole() throws Exception {
    String[] names = {"big"};
    long[][] shapes = {{64, 64}};
    ServerConfig config = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, 0.01), "");
    try (ParameterServer server = ParameterServer.start(config, null)) {
      ManagedChannel channel = Channels.open("127.0.0.1:" + server.port(), null, null);
      List<Object> replies = new CopyOnWriteArrayList<>();
      try {
        PsClient client = new PsClient(ClientInterceptors.intercept(channel, recording(replies)), Duration.ofSeconds(5),
            DType.DTYPE_BFLOAT16);
        PsClient fresh = new PsClient(channel, Duration.ofSeconds(5), DType.DTYPE_BFLOAT16);
        client.register(RegisterRequest.newBuilder().setWorkerId("w").build());
        client.initializeWeights(InitializeWeightsRequest.newBuilder().setWorkerId("w")
            .addAllWeights(TestModels.random(names, shapes, 3, 8f)).build());
        client.pullWeights("w");
        for (int push = 1; push <= 4; push++) {
          PushGradientsResponse pushed = client.pushGradients(PushGradientsRequest.newBuilder().setWorkerId("w")
              .setBaseVersion(push - 1).addAllGradients(TestModels.random(names, shapes, push, 1f)).setReturnWeights(true).build());
          assertEquals(push, pushed.getVersion());
          assertFalse(pushed.hasChangesSince());
          assertEquals(fresh.pullWeights("w").getWeightsList(), pushed.getWeightsList(), "version " + push);
          PushGradientsResponse onTheWire = (PushGradientsResponse) replies.getLast();
          assertEquals(push - 1, onTheWire.getChangesSince());
          assertTrue(WeightChanges.carriesChanges(onTheWire.getWeights(0)));
        }
        // A pull of the version held carries no weights: the worker gets those it holds.
        assertEquals(fresh.pullWeights("w").getWeightsList(), client.pullWeights("w").getWeightsList());
        assertEquals(0, ((PullWeightsResponse) replies.getLast()).getWeightsCount());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /** Keeps every reply message as it came off the wire. */
  private static ClientInterceptor recording(List<Object> replies) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onMessage(R message) {
                replies.add(message);
                super.onMessage(message);
              }
            }, headers);
          }
        };
      }
    };
  }

  @Test
  void bfloat16Wire_withSharedMemory_isRefusedWithTheFlagsNamed() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new WorkerConfig("127.0.0.1:1", 0, "w", "CartPole-v1", null, null, null, null, 0, 0, Duration.ZERO,
            java.nio.file.Path.of("/dev/shm/x"), true, DType.DTYPE_BFLOAT16));
    assertEquals("--wire-dtype bfloat16 is for a network link: through --shared-memory-dir no tensor travels, and the "
        + "weights stay float32", e.getMessage());
  }
}
