package a3c.ps;

import a3c.shm.SharedGradients;
import a3c.store.Gradients;
import a3c.store.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gradient files of the workers on this host: a push from one names its file instead of
 * carrying the gradients. Each file is mapped at its first push and kept; a mapping gone stale is
 * dropped, and the next push maps the file afresh.
 */
final class SharedGradientFiles {
  private static final Logger log = LoggerFactory.getLogger(SharedGradientFiles.class);

  private final Path folder;
  private final Map<String, SharedGradients> files = new ConcurrentHashMap<>();

  /** @param folder the server's --shared-memory-dir; null when it has none */
  SharedGradientFiles(Path folder) {
    this.folder = folder;
  }

  /**
   * The gradients in the named file, for the step to read and check ({@link ParameterStore#sharedGradients}).
   *
   * @throws IllegalArgumentException the file cannot be opened, is shorter than the model, or holds a
   *     value the store refuses when it copies the file at once
   * @throws IllegalStateException this server shares no memory with its workers
   */
  Gradients decode(String name, ParameterStore current) {
    SharedGradients file = open(name, current);
    try {
      return current.sharedGradients(file.values(), name, () -> forget(name, file));
    } catch (IllegalArgumentException e) {
      // A file that shrank leaves a stale mapping (and a refused value may come from a worker
      // restarted over it): the next push maps the file afresh.
      forget(name, file);
      throw e;
    }
  }

  private SharedGradients open(String name, ParameterStore current) {
    if (folder == null) {
      throw new IllegalStateException("this server has no --shared-memory-dir: send the gradients in the request");
    }
    return files.computeIfAbsent(name, file -> {
      try {
        return SharedGradients.open(folder, file, current.layout().totalSize());
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot open shared gradients file " + file + ": " + e.getClass().getSimpleName());
      }
    });
  }

  private void forget(String name, SharedGradients file) {
    if (files.remove(name, file)) {
      try {
        file.close();
      } catch (IOException e) {
        log.debug("closing shared gradients file {}: {}", name, e.getMessage());
      }
    }
  }
}
