package a3c.ps;

import a3c.machine.Machine;
import a3c.net.Channels;
import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.proto.DType;
import a3c.proto.InitializeWeightsRequest;
import a3c.proto.PushGradientsRequest;
import a3c.proto.PushGradientsResponse;
import a3c.proto.RegisterRequest;
import a3c.proto.Tensor;
import a3c.rpc.ParameterServerGrpc;
import a3c.rpc.Tensors;
import a3c.store.ServerTime;
import a3c.rpc.WireDtypes;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bench-ps}: a parameter server on loopback and K clients pushing gradients of the
 * reference network's layout (1.2M parameters) and pulling the new weights in the same round trip;
 * with {@code --shared-memory}, K clients that push through shared memory as local workers do, to
 * measure how many updates per second the server can apply ({@link SharedMemoryLoad}).
 */
@Command(name = "bench-ps", mixinStandardHelpOptions = true,
    description = "Measures parameter-server round trips with the reference network's layout.")
public final class PsBench implements Callable<Integer> {
  static final String[] NAMES = {"conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight", "fc.bias",
      "lstm.weight_ih", "lstm.weight_hh", "lstm.bias_ih", "lstm.bias_hh", "actor.weight", "actor.bias",
      "critic.weight", "critic.bias"};
  static final long[][] SHAPES = {{16, 4, 8, 8}, {16}, {32, 16, 4, 4}, {32}, {256, 2592}, {256}, {1024, 256},
      {1024, 256}, {1024}, {1024}, {6, 256}, {6}, {1, 256}, {1}};

  @Option(names = "--clients", description = "concurrent clients (default: ${DEFAULT-VALUE})")
  int clients = 4;

  @Option(names = "--seconds", description = "measured duration after the warm-up (default: ${DEFAULT-VALUE})")
  double seconds = 20;

  @Option(names = "--warmup", description = "seconds of load before the measured window, while the JIT compiles the "
      + "hot paths (default: ${DEFAULT-VALUE})")
  double warmup = 30;

  @Option(names = "--opt", description = "adam or rmsprop (default: ${DEFAULT-VALUE})")
  String opt = "adam";

  @Option(names = "--shared-memory", description = "push through shared memory as local workers do, and report the "
      + "server's capacity in updates per second")
  boolean sharedMemory;

  @Option(names = "--applier-threads", description = "threads that apply each update (default: "
      + ServerConfig.APPLIER_THREADS_RULE + "; here ${DEFAULT-VALUE})")
  int applierThreads = ServerConfig.defaultApplierThreads(Runtime.getRuntime().availableProcessors());

  @Option(names = "--wire-dtype", description = "how gradients and weights travel: float32 or bfloat16 (default: ${DEFAULT-VALUE})")
  String wireDtype = "float32";

  public static void main(String[] args) {
    System.exit(new CommandLine(new PsBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (clients < 1 || !(seconds > 0) || !(warmup >= 0)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--clients must be >= 1, --seconds > 0 and --warmup >= 0");
    }
    DType wire = WireDtypes.parse(wireDtype);
    ServerConfig config = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.parse(opt), 1e-4), "bench")
        .withApplierThreads(applierThreads);
    if (sharedMemory) {
      if (wire != DType.DTYPE_FLOAT32) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--wire-dtype applies to pushes over gRPC, not to --shared-memory");
      }
      return capacity(config.withSharedMemory(SharedMemoryLoad.folder()));
    }
    try (ParameterServer server = ParameterServer.start(config, null)) {
      String target = "127.0.0.1:" + server.port();
      List<Tensor> weights = tensors(1, 0.05f);
      int bytesPerModel = weights.stream().mapToInt(t -> t.getData().size()).sum();
      List<ManagedChannel> channels = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        channels.add(Channels.open(target, null, null));
      }
      ParameterServerGrpc.BlockingStub first = ParameterServerGrpc.newBlockingStub(channels.get(0));
      first.register(RegisterRequest.newBuilder().setWorkerId("bench-0").build());
      first.initializeWeights(InitializeWeightsRequest.newBuilder().setWorkerId("bench-0").addAllWeights(weights).build());

      ExecutorService pool = Executors.newFixedThreadPool(clients);
      CountDownLatch warm = new CountDownLatch(clients);
      long warmupNanos = (long) (warmup * 1e9);
      long measureNanos = (long) (seconds * 1e9);
      long start = System.nanoTime();
      List<Future<long[]>> results = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        results.add(pool.submit(() -> clientLoop(channels.get(client), "bench-" + client,
            WireDtypes.as(tensors(100 + client, 1e-3f), wire), wire, start + warmupNanos, start + warmupNanos + measureNanos, warm)));
      }
      long[] latencies = results.stream().map(PsBench::join).flatMapToLong(Arrays::stream).sorted().toArray();
      pool.shutdown();
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      double roundTripsPerSecond = latencies.length / seconds;
      double megabytesPerSecond = roundTripsPerSecond * 2.0 * bytesPerModel / 1e6 / (wire == DType.DTYPE_BFLOAT16 ? 2 : 1);
      System.out.println(Machine.current());
      System.out.printf(Locale.ROOT, "reference layout: %d tensors, %d parameters, %.2f MB per model%n", NAMES.length,
          bytesPerModel / 4, bytesPerModel / 1e6);
      System.out.printf(Locale.ROOT, "ps-bench clients=%d wire_dtype=%s round_trips_per_s=%.1f mb_per_s=%.1f p50_ms=%.2f p99_ms=%.2f server_ms_per_update=%.2f%n",
          clients, wireDtype, roundTripsPerSecond, megabytesPerSecond, percentile(latencies, 0.50) / 1e6,
          percentile(latencies, 0.99) / 1e6, server.serverTime().millisPerUpdateSince(ServerTime.NONE));
    }
    return 0;
  }

  /** Updates per second the server applies for K clients pushing through shared memory, after the warm-up. */
  private int capacity(ServerConfig config) throws Exception {
    try (ParameterServer server = ParameterServer.start(config, null)) {
      String target = "127.0.0.1:" + server.port();
      ManagedChannel channel = Channels.open(target, null, null);
      ParameterServerGrpc.BlockingStub first = ParameterServerGrpc.newBlockingStub(channel);
      first.register(RegisterRequest.newBuilder().setWorkerId("bench-0").build());
      List<Tensor> weights = tensors(1, 0.05f);
      first.initializeWeights(InitializeWeightsRequest.newBuilder().setWorkerId("bench-0").addAllWeights(weights).build());
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      int floats = weights.stream().mapToInt(t -> t.getData().size() / Float.BYTES).sum();
      List<List<Tensor>> gradients = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        gradients.add(tensors(100 + c, 1e-3f));
      }
      long updates;
      double ms;
      try (SharedMemoryLoad load = SharedMemoryLoad.start(target, config.sharedMemoryDir(), clients, floats, gradients)) {
        TimeUnit.NANOSECONDS.sleep((long) (warmup * 1e9));
        long updatesBefore = server.status().getUpdates();
        ServerTime before = server.serverTime();
        TimeUnit.NANOSECONDS.sleep((long) (seconds * 1e9));
        updates = server.status().getUpdates() - updatesBefore;
        ms = server.serverTime().millisPerUpdateSince(before);
      }
      int[] sizes = weights.stream().mapToInt(t -> t.getData().size() / Float.BYTES).toArray();
      System.out.println(Machine.current());
      System.out.printf(Locale.ROOT, "reference layout: %d tensors, %d parameters, %.2f MB per model%n", NAMES.length,
          floats, floats * 4 / 1e6);
      // After the load, not before: the step's cost alone, on the same machine in the same minute.
      for (int threads : IntStream.of(1, config.applierThreads()).distinct().toArray()) {
        System.out.printf(Locale.ROOT, "step-alone opt=%s threads=%d ms_per_step=%.3f%n", config.optimizer().kind().flag(),
            threads, StepCost.millisPerStep(config.optimizer(), sizes, threads));
        System.out.printf(Locale.ROOT, "push-alone opt=%s threads=%d ms_per_update=%.3f%n", config.optimizer().kind().flag(),
            threads, StepCost.millisPerSharedMemoryUpdate(config.optimizer(), weights, gradients.getFirst(),
                config.sharedMemoryDir(), threads));
      }
      System.out.printf(Locale.ROOT, "ps-capacity clients=%d applier_threads=%d updates_per_s=%.1f server_ms_per_update=%.3f%n",
          clients, config.applierThreads(), updates / seconds, ms);
    }
    return 0;
  }

  private static long[] clientLoop(ManagedChannel channel, String worker, List<Tensor> gradients, DType wire, long measureFrom,
      long measureUntil, CountDownLatch warm) {
    ParameterServerGrpc.BlockingStub stub = ParameterServerGrpc.newBlockingStub(channel);
    long version = 0;
    long[] latencies = new long[1 << 16];
    int count = 0;
    while (true) {
      long sent = System.nanoTime();
      if (sent >= measureUntil) {
        break;
      }
      PushGradientsResponse reply = stub.withDeadlineAfter(60, TimeUnit.SECONDS).pushGradients(PushGradientsRequest.newBuilder()
          .setWorkerId(worker).setBaseVersion(version).addAllGradients(gradients).setAgentSteps(20).setFrames(80)
          .setReturnWeights(true).setWeightsDtype(wire).build());
      long received = System.nanoTime();
      version = reply.getVersion();
      if (sent >= measureFrom && received <= measureUntil && count < latencies.length) {
        latencies[count++] = received - sent;
      }
    }
    warm.countDown();
    return Arrays.copyOf(latencies, count);
  }

  static List<Tensor> tensors(long seed, float scale) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Tensor> tensors = new ArrayList<>();
    for (int t = 0; t < NAMES.length; t++) {
      float[] values = new float[Math.toIntExact(Arrays.stream(SHAPES[t]).reduce(1, Math::multiplyExact))];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
      }
      tensors.add(Tensors.encode(NAMES[t], SHAPES[t], values, 0, values.length));
    }
    return tensors;
  }

  private static long percentile(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
  }

  private static long[] join(Future<long[]> future) {
    try {
      return future.get();
    } catch (Exception e) {
      throw new IllegalStateException("a bench client failed", e);
    }
  }
}
