package a3c.launcher;

import a3c.env.atari.Roms;
import a3c.net.ClientTls;
import a3c.rpc.WireDtypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;

/**
 * A worker host as {@code scripts/launcher --ps} starts it, validated.
 *
 * @param psTarget the parameter server's {@code HOST:PORT} (on another host)
 * @param tls how the relay trusts the server's certificate; null for plaintext
 * @param workers how many workers run here
 * @param firstWorkerIndex the first worker's index: ids and seeds differ across hosts when their ranges do
 * @param envName the game the workers play, which must be the server's
 * @param workerArgs the workers' game and learner flags (without server address, index or parent)
 * @param retryFor how long to wait for a server that does not answer (yet)
 * @param wireDtype how the relay's tensors travel to and from the server: {@code float32} or {@code bfloat16}
 * @param jvmCache where the relay's and the workers' ahead-of-time caches live, or null for none
 */
record WorkerHostConfig(String psTarget, int workers, int firstWorkerIndex, Path runDir, String authToken, ClientTls tls,
    String envName, List<String> workerArgs, int workerRestarts, Duration progressEvery, Duration retryFor, String wireDtype, Path jvmCache) {
  WorkerHostConfig {
    WireDtypes.parse(wireDtype);
    if (!psTarget.matches("[^\\s:]+:\\d{1,5}|\\[[0-9a-fA-F:]+\\]:\\d{1,5}")) {
      throw new IllegalArgumentException("--ps must be HOST:PORT, got '" + psTarget + "'");
    }
    if (workers < 1) {
      throw new IllegalArgumentException("--n-workers must be >= 1 on a worker host (--ps), got " + workers);
    }
    if (firstWorkerIndex < 0) {
      throw new IllegalArgumentException("--first-worker-index must be >= 0, got " + firstWorkerIndex);
    }
    if (workerRestarts < 0) {
      throw new IllegalArgumentException("--worker-restarts must be >= 0, got " + workerRestarts);
    }
    if (retryFor.isNegative()) {
      throw new IllegalArgumentException("--retry-seconds must be >= 0, got " + retryFor);
    }
    workerArgs = List.copyOf(workerArgs);
  }

  /** The config of {@code scripts/launcher --ps}'s flags; the ROM is looked for now, so that a missing one costs nothing. */
  static WorkerHostConfig of(String psTarget, int workers, int firstWorkerIndex, Path runDir, String authToken, ClientTls tls, String envName,
      Path romDir, List<String> learnerArgs, int workerRestarts, double progressSeconds, double retrySeconds, String wireDtype,
      Path jvmCache) {
    if (!(retrySeconds >= 0) || !(progressSeconds > 0)) {
      throw new IllegalArgumentException("--retry-seconds must be >= 0 and --progress-every positive, got " + retrySeconds
          + " and " + progressSeconds);
    }
    if (!envName.equals("CartPole-v1")) {
      Roms.locate(envName, romDir);
    }
    List<String> workerArgs = new ArrayList<>(List.of("--env-name", envName));
    workerArgs.addAll(learnerArgs);
    if (romDir != null) {
      workerArgs.addAll(List.of("--rom-dir", romDir.toAbsolutePath().toString()));
    }
    return new WorkerHostConfig(psTarget, workers, firstWorkerIndex, runDir.toAbsolutePath(), authToken,
        tls, envName, workerArgs,
        workerRestarts, Duration.ofMillis((long) (progressSeconds * 1000)), Duration.ofMillis((long) (retrySeconds * 1000)),
        wireDtype, jvmCache);
  }
}
