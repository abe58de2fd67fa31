package a3c.relay;

import a3c.proto.Tensor;
import a3c.rpc.WireDtypes;
import a3c.shm.SharedWeights;
import a3c.store.TensorLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The newest weights this host holds: kept as the tensors a pull is answered with, and published
 * into the shared-memory file the host's workers read, as a local parameter server publishes its own.
 * The file is created with the first weights (their size is known only then); a relay restarted on
 * the same folder takes over the file its workers have mapped.
 */
final class HeldWeights implements AutoCloseable {
  /** As many slots as the server's file: a reader copying one slot is not overtaken by the next few versions. */
  private static final int SLOTS = 4;

  private final Path sharedMemoryDir;
  private SharedWeights shared;
  /** The weights being published, reused from one version to the next. */
  private float[] values;
  private volatile Held held;

  /** @param sharedMemoryDir where the workers' files are; the weights file goes there too */
  HeldWeights(Path sharedMemoryDir) {
    this.sharedMemoryDir = sharedMemoryDir;
  }

  /** What is held now, or null before the first weights. */
  Held current() {
    return held;
  }

  /**
   * Holds and publishes {@code weights} as {@code version}. A push reply is older than what is held
   * when another worker's reply overtook it; then it is dropped. A pull's weights always replace
   * what is held: a server restarted from a checkpoint goes back to an older version.
   */
  synchronized void offer(long version, List<Tensor> received, boolean evenIfOlder) {
    Held now = held;
    if (received.isEmpty() || (now != null && !evenIfOlder && Long.compareUnsigned(version, now.version()) <= 0)) {
      return;
    }
    TensorLayout layout = TensorLayout.of(received);
    if (values == null || values.length != layout.totalSize()) {
      values = new float[layout.totalSize()];
    }
    // Into the file as float32 whatever the link carried: the host's workers load float32.
    for (int t = 0; t < received.size(); t++) {
      WireDtypes.decode(received.get(t), values, layout.offset(t));
    }
    try {
      if (shared == null) {
        shared = SharedWeights.create(sharedMemoryDir, layout.totalSize(), SLOTS);
      }
      shared.publish(version, values);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot share the weights in " + sharedMemoryDir, e);
    }
    held = new Held(version, List.copyOf(received), layout);
  }

  @Override
  public synchronized void close() throws IOException {
    if (shared != null) {
      shared.close();
    }
  }

  /** One version of the weights, in the dtype they came in, and the model's layout. */
  record Held(long version, List<Tensor> weights, TensorLayout layout) {}
}
