package a3c.worker;

import a3c.learner.Gradients;
import a3c.model.ActorCritic;
import a3c.proto.PushGradientsRequest;
import a3c.proto.PushGradientsResponse;
import a3c.proto.StopReason;
import a3c.shm.SharedGradients;
import a3c.shm.SharedWeights;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ServerSession} for a worker on the parameter server's host: the learner writes each
 * rollout's gradients straight into this worker's file, the push only names it, and the weights
 * come from the file the server publishes every version to. Over gRPC a rollout moves the whole
 * model twice through the kernel; here the messages carry a few numbers.
 *
 * <p>The files are mapped after every join, since a restarted server may publish to a new file.
 * When they cannot be had (another folder than the server's, no room), the session warns and sends
 * the tensors in the messages, as a {@link GrpcSession}, until a rejoin maps them again.
 */
final class SharedMemorySession extends GrpcSession {
  private static final Logger log = LoggerFactory.getLogger(SharedMemorySession.class);

  private final Path folder;
  /** Both null, or both mapped: one without the other is of no use. */
  private SharedWeights weightsFile;
  private SharedGradients gradientsFile;
  private List<ByteBuffer> gradientSlices;

  SharedMemorySession(WorkerConfig config, ActorCritic model, PsClient client, Path folder) {
    super(config, model, client);
    this.folder = folder;
  }

  @Override
  void attach() {
    detach();
    int floats = Arrays.stream(sizes).sum();
    try {
      weightsFile = SharedWeights.open(folder, floats);
      gradientsFile = SharedGradients.create(folder, config.workerId(), floats);
      gradientSlices = gradientsFile.tensors(sizes);
      log.info("worker {} exchanges tensors through shared memory in {}", config.workerId(), folder);
    } catch (IOException e) {
      log.warn("worker {}: no shared memory ({}); tensors go over gRPC", config.workerId(), e.getMessage());
      // The weights file may be open already; without the gradients file it is of no use.
      detach();
    }
  }

  /**
   * Joins as over gRPC, then loads the weights from this host's file: the pull's may have come in
   * the server's wire dtype (bfloat16), the file holds them in float32, at least as new.
   */
  @Override
  public StopReason join() {
    StopReason joined = super.join();
    if (weightsFile != null) {
      long read = weightsFile.read(sizes, model::loadWeights);
      if (read < version) {
        log.warn("worker {}: shared weights hold {}, behind the pulled version {}; tensors go over gRPC",
            config.workerId(), read < 0 ? "no settled version" : "version " + read, version);
        detach();
      } else {
        version = read;
      }
    }
    return joined;
  }

  @Override
  void detach() {
    try {
      if (weightsFile != null) {
        weightsFile.close();
      }
      if (gradientsFile != null) {
        gradientsFile.close();
      }
    } catch (IOException e) {
      log.warn("worker {}: closing the shared-memory files failed: {}", config.workerId(), e.getMessage());
    }
    weightsFile = null;
    gradientsFile = null;
    gradientSlices = null;
  }

  @Override
  List<ByteBuffer> gradientTargets() {
    return gradientsFile == null ? super.gradientTargets() : gradientSlices;
  }

  @Override
  void attachGradients(PushGradientsRequest.Builder request, Gradients gradients) {
    if (gradientsFile == null) {
      super.attachGradients(request, gradients);
    } else {
      request.setGradientsFile(gradientsFile.name()).setReturnWeights(false);
    }
  }

  @Override
  boolean loadPushedWeights(PushGradientsResponse reply) {
    if (weightsFile == null) {
      return super.loadPushedWeights(reply);
    }
    long read = weightsFile.read(sizes, model::loadWeights);
    if (read < reply.getVersion()) {
      // Not the file this server publishes to: a rejoin maps it afresh, or falls back to gRPC.
      log.warn("worker {}: shared weights hold {}, behind the server's version {}; rejoining", config.workerId(),
          read < 0 ? "no settled version" : "version " + read, reply.getVersion());
      return false;
    }
    version = read;
    return true;
  }
}
