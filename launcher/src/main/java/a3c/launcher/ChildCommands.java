package a3c.launcher;

import a3c.checkpoint.CheckpointFolder;
import a3c.jvm.JvmOptions;
import a3c.ps.ParameterServerCommand;
import a3c.supervise.ChildSpec;
import a3c.supervise.JvmCache;
import a3c.worker.WorkerCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a run's parameter server and workers are started: their JVM options and JVM cache, their
 * flags, the secrets they get through their environment, and each worker's CPU. Asked again for
 * each restart, so that a restarted server resumes from the newest checkpoint.
 */
final class ChildCommands {
  private final LaunchConfig config;
  private final Path sharedMemory;
  private final JvmCache jvmCache;
  /** The run folder's newest checkpoint before this launch (an earlier run's, continued with --resume); null for none. */
  private final Path newestAtLaunch;

  /**
   * @param sharedMemory the run's shared-memory folder, or null for none
   * @param jvmCache the JVM caches to use and record, or null for none
   */
  ChildCommands(LaunchConfig config, Path sharedMemory, JvmCache jvmCache) {
    this.config = config;
    this.sharedMemory = sharedMemory;
    this.jvmCache = jvmCache;
    List<Path> atLaunch = CheckpointFolder.list(config.checkpointDir());
    this.newestAtLaunch = atLaunch.isEmpty() ? null : atLaunch.getLast();
  }

  /** The environment that carries the auth token to a child: secrets stay off command lines, which any user can read. */
  static Map<String, String> secrets(String authToken) {
    return authToken == null ? Map.of() : Map.of("A3C_AUTH_TOKEN", authToken);
  }

  static String workerId(int index) {
    return "worker-" + index;
  }

  ChildSpec server() {
    List<String> args = new ArrayList<>(List.of("--port", Integer.toString(config.port()), "--bind", config.bind(),
        "--checkpoint-dir", config.checkpointDir().toString(), "--episodes-csv", config.runDir().resolve("episodes.csv").toString(),
        "--tensorboard-dir", config.runDir().toString(),
        "--parent-pid", Long.toString(ProcessHandle.current().pid())));
    args.addAll(config.psArgs());
    if (config.tls() != null) {
      args.addAll(config.tls().serverArgs());
    }
    if (sharedMemory != null) {
      args.addAll(List.of("--shared-memory-dir", sharedMemory.toString()));
    }
    // A restarted server resumes the newest checkpoint this launch wrote; until there is one, what
    // --resume names, as the first start does.
    List<Path> saved = CheckpointFolder.list(config.checkpointDir());
    if (!saved.isEmpty() && !saved.getLast().equals(newestAtLaunch)) {
      args.addAll(List.of("--resume", config.checkpointDir().toString()));
    } else if (config.resume() != null) {
      args.addAll(List.of("--resume", config.resume().toString()));
    }
    return childJvm("ps", JvmOptions.Kind.SERVER, true, ParameterServerCommand.class.getName(), args);
  }

  ChildSpec worker(int index) {
    List<String> args = new ArrayList<>(List.of("--ps", config.psTarget(), "--worker-index", Integer.toString(index),
        "--worker-id", workerId(index), "--parent-pid", Long.toString(ProcessHandle.current().pid())));
    args.addAll(config.workerArgs());
    if (sharedMemory != null) {
      args.addAll(List.of("--shared-memory-dir", sharedMemory.toString()));
    }
    // One worker records for all: they would all write the same recording.
    ChildSpec worker = childJvm(workerId(index), JvmOptions.Kind.WORKER, index == 0, WorkerCommand.class.getName(), args);
    return config.affinity().pin(worker, index);
  }

  private ChildSpec childJvm(String name, JvmOptions.Kind kind, boolean record, String mainClass, List<String> args) {
    return childJvm(jvmCache, config.runDir(), config.authToken(), name, kind, record, mainClass, args);
  }

  /**
   * A child JVM of {@code kind}, started from its ahead-of-time cache in {@code jvmCache} (null for
   * none), or recording one when there is none and {@code record} is set; the auth token in its
   * environment.
   */
  static ChildSpec childJvm(JvmCache jvmCache, Path runDir, String authToken, String name, JvmOptions.Kind kind,
      boolean record, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>(ChildSpec.javaCommand(kind));
    if (jvmCache != null) {
      command.addAll(jvmCache.options(kind.label(), List.copyOf(command), record));
    }
    return ChildSpec.jvm(name, runDir, secrets(authToken), command, mainClass, args);
  }
}
