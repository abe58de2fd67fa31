package a3c.checkpoint;

import a3c.proto.Checkpoint;
import a3c.store.StoreState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of numbered checkpoints, {@code checkpoint-000001.a3c}, {@code checkpoint-000002.a3c}, ...
 *
 * <p>Each save takes the next number, so no file is ever overwritten; only once the new file is
 * complete are the oldest beyond the last {@code keep} deleted.
 */
public final class CheckpointFolder {
  private static final Logger log = LoggerFactory.getLogger(CheckpointFolder.class);
  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)\\.a3c");
  /** What {@link CheckpointFile#write} writes before the rename, left behind by a server killed mid-write. */
  private static final Pattern LEFTOVER = Pattern.compile("\\.checkpoint-\\d+\\.a3c\\..*\\.tmp");

  private final Path folder;
  private final int keep;

  public CheckpointFolder(Path folder, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("must keep at least 1 checkpoint, got " + keep);
    }
    this.folder = folder;
    this.keep = keep;
  }

  public Path folder() {
    return folder;
  }

  /** Writes the next checkpoint and prunes the oldest; returns the new file. */
  public synchronized Path save(Checkpoint checkpoint) throws IOException {
    Files.createDirectories(folder);
    deleteLeftovers();
    List<Path> existing = list(folder);
    long next = existing.isEmpty() ? 1 : number(existing.get(existing.size() - 1)) + 1;
    Path file = folder.resolve(String.format(Locale.ROOT, "checkpoint-%06d.a3c", next));
    CheckpointFile.write(file, checkpoint);
    existing.add(file);
    for (int i = 0; i < existing.size() - keep; i++) {
      Files.deleteIfExists(existing.get(i));
    }
    return file;
  }

  /** Only one server writes a folder at a time, so every temporary file in it is a dead one's, and holds disk space. */
  private void deleteLeftovers() throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      for (Path leftover : (Iterable<Path>) files.filter(f -> LEFTOVER.matcher(f.getFileName().toString()).matches())::iterator) {
        log.info("deleting {}, a checkpoint left half-written", leftover.getFileName());
        Files.deleteIfExists(leftover);
      }
    }
  }

  /** The checkpoint files in a folder, oldest first. */
  public static List<Path> list(Path folder) {
    if (!Files.isDirectory(folder)) {
      return new ArrayList<>();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(file -> NAME.matcher(file.getFileName().toString()).matches())
          .sorted(Comparator.comparingLong(CheckpointFolder::number))
          .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + folder, e);
    }
  }

  /**
   * Reads what {@code --resume} names: a checkpoint file, or a folder whose newest usable
   * checkpoint is taken (newer ones that are unreadable or inconsistent are skipped with a warning).
   *
   * @throws CheckpointException when the file is bad, or the folder holds no usable checkpoint
   */
  public static Loaded load(Path fileOrFolder) {
    if (!Files.isDirectory(fileOrFolder)) {
      return Loaded.read(fileOrFolder);
    }
    List<Path> files = list(fileOrFolder);
    for (int i = files.size() - 1; i >= 0; i--) {
      try {
        return Loaded.read(files.get(i));
      } catch (CheckpointException e) {
        log.warn("skipping {}", e.getMessage());
      }
    }
    throw new CheckpointException(fileOrFolder, "is a folder with no usable checkpoint-NNNNNN.a3c file");
  }

  /** A checkpoint, the file it came from, and the store state it holds (checked when read). */
  public record Loaded(Path file, Checkpoint checkpoint, StoreState state) {
    static Loaded read(Path file) {
      Checkpoint checkpoint = CheckpointFile.read(file);
      return new Loaded(file, checkpoint, Checkpoints.toStore(file, checkpoint));
    }
  }

  private static long number(Path file) {
    Matcher matcher = NAME.matcher(file.getFileName().toString());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(file + " is not a checkpoint file name");
    }
    return Long.parseLong(matcher.group(1));
  }
}
