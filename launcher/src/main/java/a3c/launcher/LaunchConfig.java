package a3c.launcher;

import a3c.model.Engine;
import a3c.net.ClientTls;
import a3c.proto.GetStatusResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A whole run as the launcher starts it, validated.
 *
 * @param bind the address the parameter server listens on
 * @param psTarget {@code HOST:PORT} where clients on this host reach the server
 * @param tls the server's TLS certificate and how this host's clients trust it; null for plaintext
 * @param psArgs the parameter server's hyperparameter and stopping flags (without port, folders or parent)
 * @param workerArgs the workers' hyperparameter flags (without server address, index or parent)
 * @param maxRuntime wall-clock bound; null for none
 * @param resume a checkpoint (file or folder) to start from; null to start fresh
 * @param resumedFrom the counters of that checkpoint, so the run's rates count only its own steps;
 *     all zero (or null) for a fresh start
 * @param sharedMemory whether local workers exchange tensors with the server through shared memory
 * @param jvmCache where the child JVMs' ahead-of-time caches live, or null for none
 * @param romDir where the test games find their ROM; null for {@code $A3C_ROM_DIR}
 * @param testGames greedy games played once the target is reached, as the reference does
 * @param affinity how worker JVMs are pinned to cores ({@link CpuAffinity#NONE}: not at all)
 * @param hangTimeout how long a child may show no sign of life before it is killed as hung and restarted
 * @param engine the network engine of the workers and the test games; null for the network's default
 * @param testPolicy how the test games act
 */
public record LaunchConfig(String envName, int workers, Path runDir, String bind, int port, String psTarget,
    LocalTls tls, String authToken, List<String> psArgs, List<String> workerArgs, Duration maxRuntime, Path resume,
    GetStatusResponse resumedFrom, int workerRestarts, int psRestarts, Duration progressEvery, boolean sharedMemory,
    Path romDir, int testGames, Path jvmCache, CpuAffinity affinity, Duration hangTimeout, Engine engine, TestPolicy testPolicy) {
  public LaunchConfig {
    if (workers < 0) {
      throw new IllegalArgumentException("--n-workers must be >= 0, got " + workers);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
    }
    if (maxRuntime != null && (maxRuntime.isNegative() || maxRuntime.isZero())) {
      throw new IllegalArgumentException("--max-seconds must be positive, got " + maxRuntime.toMillis() / 1000.0);
    }
    if (workerRestarts < 0 || psRestarts < 0) {
      throw new IllegalArgumentException("restart counts must be >= 0");
    }
    if (hangTimeout.isNegative() || hangTimeout.isZero()) {
      throw new IllegalArgumentException("--hang-seconds must be positive, got " + hangTimeout.toMillis() / 1000.0);
    }
    if (resumedFrom == null) {
      resumedFrom = GetStatusResponse.getDefaultInstance();
    }
    psArgs = List.copyOf(psArgs);
    workerArgs = List.copyOf(workerArgs);
  }

  /** How the launcher and its workers trust the server; null for plaintext. */
  public ClientTls clientTls() {
    return tls == null ? null : tls.clients();
  }

  public Path checkpointDir() {
    return runDir.resolve("checkpoints");
  }
}
