package a3c.ps;

import a3c.net.Channels;
import a3c.proto.PushGradientsRequest;
import a3c.proto.PushGradientsResponse;
import a3c.proto.Tensor;
import a3c.rpc.ParameterServerGrpc;
import a3c.shm.SharedGradients;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Synthetic workers on the server's host: each writes one set of gradients of the model's size into
 * its shared-memory file, then pushes it again and again as a local worker does (the file named in
 * the push, no weights in the reply), without acting or learning, so that only the server's cost
 * per update limits the rate. They skip the worker's read of the new weights: on a machine with a
 * core per worker that copy is the worker's time, not the server's.
 */
final class SharedMemoryLoad implements AutoCloseable {
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<SharedGradients> files = new ArrayList<>();
  private final ExecutorService pool;
  private final List<Future<?>> pushes = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();

  private SharedMemoryLoad(int clients) {
    this.pool = Executors.newFixedThreadPool(clients, Thread.ofPlatform().name("bench-client").daemon().factory());
  }

  /** A folder in RAM (/dev/shm) where there is one, for the server's and the clients' files. */
  static Path folder() throws IOException {
    Path shm = Path.of("/dev/shm");
    Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    return Files.createTempDirectory(base, "a3c-bench-");
  }

  /** Starts {@code clients} clients of the server at {@code target}, each with its own channel and file. */
  static SharedMemoryLoad start(String target, Path folder, int clients, int floats, List<List<Tensor>> gradients)
      throws IOException {
    SharedMemoryLoad load = new SharedMemoryLoad(clients);
    for (int c = 0; c < clients; c++) {
      SharedGradients file = SharedGradients.create(folder, "bench-" + c, floats);
      load.files.add(file);
      file.write(gradients.get(c).stream().map(tensor -> (ByteBuffer) tensor.getData().asReadOnlyByteBuffer()).toList());
      ManagedChannel channel = Channels.open(target, null, null);
      load.channels.add(channel);
      String worker = "bench-" + c;
      load.pushes.add(load.pool.submit(() -> load.pushUntilStopped(channel, worker, file.name())));
    }
    return load;
  }

  private Void pushUntilStopped(ManagedChannel channel, String worker, String file) {
    ParameterServerGrpc.BlockingStub stub = ParameterServerGrpc.newBlockingStub(channel);
    long version = 0;
    while (!stop.get()) {
      PushGradientsResponse reply = stub.withDeadlineAfter(60, TimeUnit.SECONDS).pushGradients(PushGradientsRequest.newBuilder()
          .setWorkerId(worker).setBaseVersion(version).setGradientsFile(file).setAgentSteps(20).setFrames(80)
          .setReturnWeights(false).build());
      version = reply.getVersion();
    }
    return null;
  }

  /** Stops every client after its current push. */
  @Override
  public void close() throws IOException, InterruptedException {
    stop.set(true);
    try {
      for (Future<?> client : pushes) {
        client.get(70, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("a bench client failed", e);
    } finally {
      pool.shutdownNow();
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      for (SharedGradients file : files) {
        file.close();
      }
    }
  }
}
