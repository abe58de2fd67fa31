package a3c.tensorboard;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Writes scalars to a TensorBoard event file, so that {@code tensorboard --logdir <logDir>} plots
 * them. Scalars are buffered: they reach the file on {@link #flush()} or {@link #close()}.
 * All methods are thread-safe.
 */
public final class EventWriter implements AutoCloseable {
  private final Path file;
  private final OutputStream out;
  private boolean closed;

  private EventWriter(Path file, OutputStream out) {
    this.file = file;
    this.out = out;
  }

  /**
   * Creates {@code events.out.tfevents.<unix seconds>.<hostname>} in {@code logDir}, creating the
   * directories as needed, and writes the file_version event TensorBoard requires first.
   */
  public static EventWriter create(Path logDir, String hostname) throws IOException {
    return create(logDir, hostname, InstantSource.system());
  }

  static EventWriter create(Path logDir, String hostname, InstantSource clock) throws IOException {
    Objects.requireNonNull(logDir, "logDir");
    Objects.requireNonNull(hostname, "hostname");
    if (hostname.isEmpty() || hostname.contains("/") || hostname.contains("\\")) {
      throw new IllegalArgumentException("hostname must be non-empty and free of path separators, got '" + hostname + "'");
    }
    Instant now = clock.instant();
    Files.createDirectories(logDir);
    Path file = logDir.resolve("events.out.tfevents." + now.getEpochSecond() + "." + hostname);
    // CREATE_NEW: never append to or clobber another run's file that happens to share the second.
    OutputStream out = new BufferedOutputStream(
        Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    try {
      // Flushed at once so that the file is valid for TensorBoard before the first scalar.
      TfRecords.write(out, EventProtos.fileVersion(seconds(now)));
      out.flush();
    } catch (IOException e) {
      out.close();
      throw e;
    }
    return new EventWriter(file, out);
  }

  /** The event file this writer appends to. */
  public Path file() {
    return file;
  }

  /** Appends one scalar; {@code wallTimeSeconds} is seconds since the Unix epoch. */
  public synchronized void scalar(String tag, float value, long step, double wallTimeSeconds) {
    Objects.requireNonNull(tag, "tag");
    if (tag.isEmpty()) {
      throw new IllegalArgumentException("tag must not be empty");
    }
    checkOpen();
    try {
      TfRecords.write(out, EventProtos.scalar(tag, value, step, wallTimeSeconds));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write scalar '" + tag + "' to " + file, e);
    }
  }

  /** Pushes buffered scalars to the file, where TensorBoard can see them. */
  public synchronized void flush() {
    checkOpen();
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot flush " + file, e);
    }
  }

  /** Flushes and closes the file; closing twice is harmless. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("event writer for " + file + " is closed");
    }
  }

  private static double seconds(Instant instant) {
    return instant.getEpochSecond() + instant.getNano() / 1e9;
  }
}
