package a3c.ps;

import a3c.optim.OptimizerConfig;
import a3c.proto.DType;
import a3c.rpc.WireDtypes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a parameter server is started with, validated.
 *
 * @param targetScore target for the stop measure; +infinity for none
 * @param stopMeasure which running mean the target is compared with
 * @param maxSteps global-step limit; 0 for none
 * @param checkpointDir where checkpoints go; null for none
 * @param authToken shared secret every call must carry; null for none
 * @param tlsCert PEM certificate chain; with tlsKey, serve TLS; null for plaintext
 * @param maxMessageBytes largest message accepted; weights of the reference network are ~4.8 MB
 * @param extra the rest of the run's settings, recorded in checkpoints
 * @param sharedMemoryDir where to publish weights for workers on this host (see {@code a3c.shm}); null for none
 * @param episodesCsv where to append one line per episode; null for none
 * @param tensorboardDir where to write TensorBoard event files; null for none
 * @param applierThreads threads that apply each update together, each over its own slice of the model
 * @param wireDtype the least precise dtype the server sends weights in over gRPC: bfloat16 halves
 *     the bytes for every client, float32 sends each client the dtype it asks for
 */
public record ServerConfig(String bind, int port, OptimizerConfig optimizer, String envName, double targetScore,
    StopMeasure stopMeasure, long maxSteps, Path checkpointDir, Duration checkpointEvery, int keepCheckpoints, String authToken,
    Path tlsCert, Path tlsKey, int maxMessageBytes, Map<String, String> extra, Path sharedMemoryDir,
    Path episodesCsv, Path tensorboardDir, int applierThreads, DType wireDtype) {
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 << 20;
  /** How {@link #defaultApplierThreads} chooses, for option help. */
  public static final String APPLIER_THREADS_RULE = "a quarter of the cores, 1 to 8";
  private static final int MAX_APPLIER_THREADS = 256;

  public ServerConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    }
    if (Double.isNaN(targetScore)) {
      throw new IllegalArgumentException("target score must be a number");
    }
    Objects.requireNonNull(stopMeasure, "stopMeasure");
    if (maxSteps < 0) {
      throw new IllegalArgumentException("max steps must be >= 0 (0: no limit), got " + maxSteps);
    }
    if (checkpointEvery.isNegative() || checkpointEvery.isZero()) {
      throw new IllegalArgumentException("checkpoint interval must be positive, got " + checkpointEvery);
    }
    if (keepCheckpoints < 1) {
      throw new IllegalArgumentException("must keep at least 1 checkpoint, got " + keepCheckpoints);
    }
    if (authToken != null && authToken.isBlank()) {
      throw new IllegalArgumentException("auth token must not be blank");
    }
    requireTlsPair(tlsCert, tlsKey);
    if (maxMessageBytes < 1 << 20) {
      throw new IllegalArgumentException("max message size must be at least 1 MiB, got " + maxMessageBytes);
    }
    requireApplierThreads(applierThreads);
    WireDtypes.bytesPerValue(Objects.requireNonNull(wireDtype, "wireDtype"));
    extra = Map.copyOf(extra);
  }

  /** Checks that TLS has both its certificate and its key, or neither; for the server and for the launcher. */
  static void requireTlsPair(Path tlsCert, Path tlsKey) {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("TLS needs both a certificate (--tls-cert) and a key (--tls-key)");
    }
  }

  /** Checks an applier thread count, for the server and for the launcher that passes one on. */
  public static int requireApplierThreads(int threads) {
    if (threads < 1 || threads > MAX_APPLIER_THREADS) {
      throw new IllegalArgumentException("--applier-threads must be in 1.." + MAX_APPLIER_THREADS + ", got " + threads);
    }
    return threads;
  }

  /**
   * The applier threads a server on a machine of {@code cores} gets by default: the workers hold one
   * core each, and a step over the Atari network is bound by memory bandwidth, which a few threads
   * already use up, so a quarter of the cores (at least 1, at most 8) serves without starving them.
   */
  public static int defaultApplierThreads(int cores) {
    return Math.max(1, Math.min(8, cores / 4));
  }

  /** A loopback server on an ephemeral port with the reference's defaults; for tests and benchmarks. */
  public static ServerConfig local(OptimizerConfig optimizer, String envName) {
    return new ServerConfig("127.0.0.1", 0, optimizer, envName, StopRule.targetFor(envName, null), StopMeasure.EPISODES, 0, null,
        Duration.ofMinutes(5), 3, null, null, null, DEFAULT_MAX_MESSAGE_BYTES, Map.of(), null, null, null,
        defaultApplierThreads(Runtime.getRuntime().availableProcessors()), DType.DTYPE_FLOAT32);
  }

  public ServerConfig withCheckpoints(Path folder, Duration every) {
    return new ServerConfig(bind, port, optimizer, envName, targetScore, stopMeasure, maxSteps, folder, every, keepCheckpoints,
        authToken, tlsCert, tlsKey, maxMessageBytes, extra, sharedMemoryDir, episodesCsv, tensorboardDir, applierThreads, wireDtype);
  }

  public ServerConfig withStopRule(double target, long steps) {
    return new ServerConfig(bind, port, optimizer, envName, target, stopMeasure, steps, checkpointDir, checkpointEvery,
        keepCheckpoints, authToken, tlsCert, tlsKey, maxMessageBytes, extra, sharedMemoryDir, episodesCsv, tensorboardDir, applierThreads, wireDtype);
  }

  public ServerConfig withStopMeasure(StopMeasure measure) {
    return new ServerConfig(bind, port, optimizer, envName, targetScore, measure, maxSteps, checkpointDir, checkpointEvery,
        keepCheckpoints, authToken, tlsCert, tlsKey, maxMessageBytes, extra, sharedMemoryDir, episodesCsv, tensorboardDir, applierThreads, wireDtype);
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(bind, newPort, optimizer, envName, targetScore, stopMeasure, maxSteps, checkpointDir, checkpointEvery,
        keepCheckpoints, authToken, tlsCert, tlsKey, maxMessageBytes, extra, sharedMemoryDir, episodesCsv, tensorboardDir, applierThreads, wireDtype);
  }

  public ServerConfig withAuthToken(String token) {
    return new ServerConfig(bind, port, optimizer, envName, targetScore, stopMeasure, maxSteps, checkpointDir, checkpointEvery,
        keepCheckpoints, token, tlsCert, tlsKey, maxMessageBytes, extra, sharedMemoryDir, episodesCsv, tensorboardDir, applierThreads, wireDtype);
  }

  public ServerConfig withTls(Path cert, Path key) {
    return new ServerConfig(bind, port, optimizer, envName, targetScore, stopMeasure, maxSteps, checkpointDir, checkpointEvery,
        keepCheckpoints, authToken, cert, key, maxMessageBytes, extra, sharedMemoryDir, episodesCsv, tensorboardDir, applierThreads, wireDtype);
  }

  public ServerConfig withSharedMemory(Path folder) {
    return new ServerConfig(bind, port, optimizer, envName, targetScore, stopMeasure, maxSteps, checkpointDir, checkpointEvery,
        keepCheckpoints, authToken, tlsCert, tlsKey, maxMessageBytes, extra, folder, episodesCsv, tensorboardDir, applierThreads, wireDtype);
  }

  public ServerConfig withEpisodesCsv(Path file) {
    return new ServerConfig(bind, port, optimizer, envName, targetScore, stopMeasure, maxSteps, checkpointDir, checkpointEvery,
        keepCheckpoints, authToken, tlsCert, tlsKey, maxMessageBytes, extra, sharedMemoryDir, file, tensorboardDir, applierThreads, wireDtype);
  }

  public ServerConfig withTensorBoard(Path folder) {
    return new ServerConfig(bind, port, optimizer, envName, targetScore, stopMeasure, maxSteps, checkpointDir, checkpointEvery,
        keepCheckpoints, authToken, tlsCert, tlsKey, maxMessageBytes, extra, sharedMemoryDir, episodesCsv, folder, applierThreads, wireDtype);
  }

  public ServerConfig withMaxMessageBytes(int bytes) {
    return new ServerConfig(bind, port, optimizer, envName, targetScore, stopMeasure, maxSteps, checkpointDir, checkpointEvery,
        keepCheckpoints, authToken, tlsCert, tlsKey, bytes, extra, sharedMemoryDir, episodesCsv, tensorboardDir, applierThreads, wireDtype);
  }

  public ServerConfig withApplierThreads(int threads) {
    return new ServerConfig(bind, port, optimizer, envName, targetScore, stopMeasure, maxSteps, checkpointDir, checkpointEvery,
        keepCheckpoints, authToken, tlsCert, tlsKey, maxMessageBytes, extra, sharedMemoryDir, episodesCsv, tensorboardDir,
        threads, wireDtype);
  }

  public ServerConfig withWireDtype(DType dtype) {
    return new ServerConfig(bind, port, optimizer, envName, targetScore, stopMeasure, maxSteps, checkpointDir, checkpointEvery,
        keepCheckpoints, authToken, tlsCert, tlsKey, maxMessageBytes, extra, sharedMemoryDir, episodesCsv, tensorboardDir,
        applierThreads, dtype);
  }
}
