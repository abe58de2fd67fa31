package a3c.relay;

import a3c.proto.Tensor;
import a3c.rpc.KeptWeights;
import a3c.rpc.WeightChanges;
import a3c.rpc.WireDtypes;
import a3c.shm.SharedWeights;
import a3c.store.TensorLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest weights this host holds: kept as the tensors a pull is answered with, and published
 * into the shared-memory file the host's workers read, as a local parameter server publishes its own.
 * The file is created with the first weights (their size is known only then); a relay restarted on
 * the same folder takes over the file its workers have mapped. The last few versions the server
 * sent are kept too, those in a dtype worth it: a reply may carry only its weights' changes since
 * one of them ({@link WeightChanges}).
 */
final class HeldWeights implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HeldWeights.class);
  /** As many slots as the server's file: a reader copying one slot is not overtaken by the next few versions. */
  private static final int SLOTS = 4;
  /** Versions kept to count changes from: more than a host has pushes in flight, each sent holding one. */
  private static final int KEPT = 8;

  private final Path sharedMemoryDir;
  private final KeptWeights kept = new KeptWeights(KEPT);
  private SharedWeights shared;
  /** Whether the file could not be made (no room): the workers then fetch the weights over gRPC. */
  private boolean unshared;
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

  /** The newest version the server sent, which a reply's weights may count their changes from; null for none. */
  KeptWeights.Version base() {
    return kept.newest();
  }

  /**
   * Holds and publishes the weights that came with {@code version}, whole or as their changes since
   * a version kept. A push reply is older than what is held when another worker's reply overtook it;
   * then it is dropped. A pull's weights always replace what is held: a server restarted from a
   * checkpoint goes back to an older version.
   *
   * @param store the server's count of versions (see {@code PullWeightsResponse.store}); 0 for unknown
   * @param changesSince the version the weights are changes since, or null for whole weights
   * @return whether the weights are held now; not when they were dropped, or are changes since a
   *     version no longer kept
   * @throws IllegalArgumentException when the changes do not fit the version they are counted from
   */
  synchronized boolean offer(long version, long store, Long changesSince, List<Tensor> received, boolean evenIfOlder) {
    Held now = held;
    if (received.isEmpty() || (now != null && !evenIfOlder && store == now.store()
        && Long.compareUnsigned(version, now.version()) <= 0)) {
      return false;
    }
    received = kept.whole(store, changesSince, received);
    if (received == null) {
      return false;
    }
    TensorLayout layout = TensorLayout.of(received);
    if (shared(layout)) {
      if (values == null || values.length != layout.totalSize()) {
        values = new float[layout.totalSize()];
      }
      // Into the file as float32 whatever the link carried: the host's workers load float32.
      for (int t = 0; t < received.size(); t++) {
        WireDtypes.decode(received.get(t), values, layout.offset(t));
      }
      shared.publish(version, values);
    }
    held = new Held(version, store, List.copyOf(received), layout);
    kept.keep(version, store, received);
    return true;
  }

  /**
   * Whether the weights file is there to publish into, made with the first weights (their size is
   * known only then). Without room for it, the workers find none and fetch the weights over gRPC.
   */
  private boolean shared(TensorLayout layout) {
    if (shared == null && !unshared) {
      try {
        shared = SharedWeights.create(sharedMemoryDir, layout.totalSize(), SLOTS);
      } catch (IOException e) {
        unshared = true;
        log.warn("weights not shared through shared memory ({}); this host's workers exchange tensors with the relay "
            + "over gRPC", e.getMessage());
      }
    }
    return shared != null;
  }

  @Override
  public synchronized void close() throws IOException {
    if (shared != null) {
      shared.close();
    }
  }

  /** One version of the weights, in the dtype they came in, the server's store it is of, and the model's layout. */
  record Held(long version, long store, List<Tensor> weights, TensorLayout layout) {}
}
