package a3c.launcher;

import a3c.supervise.ChildSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --cpu-affinity}: each worker JVM pinned to one core with {@code taskset}, worker i to the
 * i-th CPU the launcher may use (round robin when there are more workers than CPUs). The server is
 * left unpinned: its applier threads and gRPC threads go wherever the scheduler finds room.
 *
 * @param taskset the taskset program, or null to leave every worker unpinned
 * @param cpus the CPU ids to pin to, in order
 */
record CpuAffinity(Path taskset, List<Integer> cpus) {
  static final CpuAffinity NONE = new CpuAffinity(null, List.of());

  CpuAffinity {
    cpus = List.copyOf(cpus);
  }

  /** Pinning over these CPUs with the first taskset on {@code path} (the PATH variable), or none if there is none. */
  static CpuAffinity find(String path, List<Integer> cpus) {
    for (String folder : path == null ? new String[0] : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(folder.isEmpty() ? "." : folder, "taskset");
      if (Files.isExecutable(candidate)) {
        return new CpuAffinity(candidate, cpus);
      }
    }
    return NONE;
  }

  boolean pins() {
    return taskset != null;
  }

  /** The worker's command, run under {@code taskset -c CPU} when pinning. */
  ChildSpec pin(ChildSpec worker, int index) {
    if (!pins()) {
      return worker;
    }
    List<String> command = new ArrayList<>(List.of(taskset.toString(), "-c", Integer.toString(cpus.get(index % cpus.size()))));
    command.addAll(worker.command());
    return new ChildSpec(worker.name(), command, worker.directory(), worker.environment());
  }
}
