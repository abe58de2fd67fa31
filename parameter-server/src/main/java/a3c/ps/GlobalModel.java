package a3c.ps;

import a3c.optim.OptimizerConfig;
import a3c.proto.DType;
import a3c.proto.InitializeWeightsRequest;
import a3c.proto.InitializeWeightsResponse;
import a3c.proto.PullWeightsResponse;
import a3c.shm.SharedWeights;
import a3c.store.ParameterStore;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global model once it exists: restored from a checkpoint, or made from the weights that the
 * worker chosen at registration uploads (InitializeWeights), and published into the shared-memory
 * folder when there is one. Pulls that come before the weights are parked until they arrive.
 */
final class GlobalModel {
  private static final Logger log = LoggerFactory.getLogger(GlobalModel.class);

  private final OptimizerConfig optimizerConfig;
  private final int applierThreads;
  private final Path sharedMemoryDir;
  private final WorkerRegistry workers;
  private final AtomicReference<ParameterStore> store = new AtomicReference<>();
  private final List<PendingPull> pendingPulls = new ArrayList<>();

  /**
   * @param restored the checkpoint's store, or null to wait for a worker's upload
   * @param sharedMemoryDir where the weights are shared with workers on this host; null for nowhere
   */
  GlobalModel(OptimizerConfig optimizerConfig, int applierThreads, Path sharedMemoryDir, WorkerRegistry workers,
      ParameterStore restored) {
    this.optimizerConfig = optimizerConfig;
    this.applierThreads = applierThreads;
    this.sharedMemoryDir = sharedMemoryDir;
    this.workers = workers;
    if (restored != null) {
      share(restored);
    }
    this.store.set(restored);
  }

  /** The store, or null while the weights do not exist yet. */
  ParameterStore store() {
    return store.get();
  }

  /**
   * Makes the store from the chosen worker's upload and answers it; returns the pulls that waited
   * for the weights, to be answered now, or none when the upload is refused.
   */
  List<PendingPull> initialize(InitializeWeightsRequest request, StreamObserver<InitializeWeightsResponse> response) {
    List<PendingPull> waiting;
    synchronized (pendingPulls) {
      if (store.get() != null) {
        Replies.reject(response, Status.FAILED_PRECONDITION, "the weights are already initialised");
        return List.of();
      }
      if (!request.getWorkerId().equals(workers.initializer())) {
        Replies.reject(response, Status.FAILED_PRECONDITION, "worker " + request.getWorkerId()
            + " was not chosen to initialise the weights (" + (workers.initializer() == null ? "no worker has registered"
            : "worker " + workers.initializer() + " was") + ")");
        return List.of();
      }
      try {
        ParameterStore created = ParameterStore.initialize(request.getWeightsList(), optimizerConfig, applierThreads);
        share(created);
        store.set(created);
      } catch (IllegalArgumentException e) {
        Replies.reject(response, Status.INVALID_ARGUMENT, "initial weights rejected: " + e.getMessage());
        return List.of();
      }
      waiting = new ArrayList<>(pendingPulls);
      pendingPulls.clear();
    }
    workers.touch(request.getWorkerId(), null);
    ParameterStore initialized = store.get();
    log.info("weights initialised by worker {}: {} tensors, {} parameters", request.getWorkerId(),
        initialized.layout().size(), initialized.layout().totalSize());
    Replies.respond(response, InitializeWeightsResponse.newBuilder().setVersion(0).build());
    return waiting;
  }

  /**
   * The store; or, while the weights do not exist yet, null after parking the pull until they do.
   * The call's deadline bounds the wait, and a cancelled call leaves the queue.
   */
  ParameterStore storeOrPark(String workerId, DType dtype, StreamObserver<PullWeightsResponse> response) {
    synchronized (pendingPulls) {
      ParameterStore current = store.get();
      if (current != null) {
        return current;
      }
      PendingPull pending = new PendingPull(workerId, dtype, response);
      pendingPulls.add(pending);
      if (response instanceof ServerCallStreamObserver<PullWeightsResponse> call) {
        call.setOnCancelHandler(() -> {
          synchronized (pendingPulls) {
            pendingPulls.remove(pending);
          }
        });
      }
      return null;
    }
  }

  /**
   * Publishes the store's weights into the shared-memory folder too, when there is one. Without
   * room there the workers on this host find no weights file and exchange their tensors over gRPC,
   * which is slower but loses nothing.
   */
  private void share(ParameterStore target) {
    if (sharedMemoryDir == null) {
      return;
    }
    try {
      target.share(SharedWeights.create(sharedMemoryDir, target.layout().totalSize(), 4)).join();
      log.info("weights shared with workers on this host through {}", sharedMemoryDir.resolve(SharedWeights.FILE_NAME));
    } catch (IOException e) {
      log.warn("weights not shared through shared memory ({}); the workers on this host exchange tensors over gRPC",
          e.getMessage());
    }
  }

  /** A pull that waits for the weights to exist. */
  record PendingPull(String workerId, DType dtype, StreamObserver<PullWeightsResponse> response) {}
}
