package a3c.supervise;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folders for the shared-memory files of one run: in /dev/shm (RAM) where there is one, else the temp folder. */
public final class SharedMemoryDirs {
  private SharedMemoryDirs() {}

  /** A fresh folder named after the run and this process. */
  public static Path create(String run) {
    Path base = Files.isDirectory(Path.of("/dev/shm")) && Files.isWritable(Path.of("/dev/shm")) ? Path.of("/dev/shm")
        : Path.of(System.getProperty("java.io.tmpdir"));
    try {
      return Files.createDirectories(base.resolve("a3c-" + run + "-" + ProcessHandle.current().pid()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a shared-memory folder in " + base, e);
    }
  }

  /** Deletes the folder and its files; null is fine. */
  public static void delete(Path folder) {
    if (folder == null || !Files.isDirectory(folder)) {
      return;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + folder, e);
    }
  }
}
