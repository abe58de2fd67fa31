package a3c.worker;

import a3c.input.WorkerIds;
import a3c.learner.LearnerConfig;
import a3c.net.ClientTls;
import a3c.proto.DType;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a worker is started with, validated.
 *
 * @param psTarget the parameter server's {@code host:port}
 * @param tls how to trust the server's certificate; null for plaintext
 * @param workerId the name the server knows this worker by; unique across hosts
 * @param seed the run's seed; the worker's own is {@code seed + workerIndex}, as in the reference
 * @param maxEpisodeSteps the reference's {@code --ep-length}: agent steps after which an episode is cut; 0 for none
 * @param retryFor how long to keep retrying while the parameter server is unreachable
 * @param sharedMemoryDir the server's {@code --shared-memory-dir} when it runs on this host; null to send tensors over gRPC
 * @param syncUpdates wait for this worker's own update before the next rollout, as the reference does; when false the
 *     push overlaps the next rollout, which then acts on weights that lack only this worker's newest update
 * @param wireDtype how gradients and weights travel over gRPC; bfloat16 halves the bytes on a network link
 */
public record WorkerConfig(String psTarget, int workerIndex, String workerId, String envName, Path romDir,
    String authToken, ClientTls tls, LearnerConfig learner, long seed, int maxEpisodeSteps, Duration retryFor,
    Path sharedMemoryDir, boolean syncUpdates, DType wireDtype) {
  /** A worker whose tensors travel as float32. */
  public WorkerConfig(String psTarget, int workerIndex, String workerId, String envName, Path romDir, String authToken,
      ClientTls tls, LearnerConfig learner, long seed, int maxEpisodeSteps, Duration retryFor, Path sharedMemoryDir,
      boolean syncUpdates) {
    this(psTarget, workerIndex, workerId, envName, romDir, authToken, tls, learner, seed, maxEpisodeSteps, retryFor,
        sharedMemoryDir, syncUpdates, DType.DTYPE_FLOAT32);
  }

  public WorkerConfig {
    if (psTarget == null || !psTarget.matches("[^\\s:]+:\\d{1,5}|\\[[0-9a-fA-F:]+\\]:\\d{1,5}")) {
      throw new IllegalArgumentException("--ps must be HOST:PORT, got '" + psTarget + "'");
    }
    if (workerIndex < 0) {
      throw new IllegalArgumentException("--worker-index must be >= 0, got " + workerIndex);
    }
    WorkerIds.require(workerId);
    if (maxEpisodeSteps < 0) {
      throw new IllegalArgumentException("--ep-length must be >= 0 (0: no limit), got " + maxEpisodeSteps);
    }
    if (retryFor.isNegative()) {
      throw new IllegalArgumentException("retry duration must not be negative, got " + retryFor);
    }
    if (authToken != null && authToken.isBlank()) {
      throw new IllegalArgumentException("auth token must not be blank");
    }
    if (wireDtype != DType.DTYPE_FLOAT32 && sharedMemoryDir != null) {
      throw new IllegalArgumentException("--wire-dtype bfloat16 is for a network link: through --shared-memory-dir "
          + "no tensor travels, and the weights stay float32");
    }
  }

  /**
   * The wire dtype when {@code --wire-dtype} is not given: bfloat16 to a server on another host, half
   * the bytes, with which Pong learned as with float32 (docs/results.md); float32 on this host,
   * through shared memory or loopback, where bytes cost little.
   */
  public static DType defaultWireDtype(String psTarget, Path sharedMemoryDir) {
    if (sharedMemoryDir != null || psTarget == null || psTarget.lastIndexOf(':') < 0) {
      return DType.DTYPE_FLOAT32;
    }
    String host = psTarget.substring(0, psTarget.lastIndexOf(':'));
    boolean thisHost = host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("[::1]");
    return thisHost ? DType.DTYPE_FLOAT32 : DType.DTYPE_BFLOAT16;
  }

  /** This worker's own seed: the run's seed plus its index, as the reference seeds each process. */
  public long workerSeed() {
    return seed + workerIndex;
  }
}
