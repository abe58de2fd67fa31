package a3c.tensorboard;

import a3c.files.AppendOnlyFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Writes scalars to a TensorBoard event file, so that {@code tensorboard --logdir <logDir>} plots
 * them. Scalars are buffered: they reach the file on {@link #flush()} or {@link #close()}. A flush
 * that fails (a full disk) leaves the file ending at its last whole record, and the scalars wait
 * for the next flush. All methods are thread-safe.
 */
public final class EventWriter implements AutoCloseable {
  /** About a day of scalars at one update a second; a disk full for longer loses the oldest waiting ones. */
  private static final long MAX_PENDING_BYTES = 16 << 20;

  private final Path file;
  private final AppendOnlyFile out;
  private boolean closed;

  private EventWriter(Path file, AppendOnlyFile out) {
    this.file = file;
    this.out = out;
  }

  /**
   * Creates {@code events.out.tfevents.<unix seconds>.<hostname>} in {@code logDir}, creating the
   * directories as needed, and writes the file_version event TensorBoard requires first (or, on a
   * full disk, queues it ahead of every scalar).
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
    EventWriter writer = new EventWriter(file, AppendOnlyFile.open(file, StandardOpenOption.CREATE_NEW, MAX_PENDING_BYTES));
    writer.out.append(record(EventProtos.fileVersion(seconds(now))));
    try {
      // At once, so that the file is valid for TensorBoard before the first scalar.
      writer.out.flush();
    } catch (IOException e) {
      // A full disk: the event waits, first in line, and the owner's next flush reports the failure.
    }
    return writer;
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
    out.append(record(EventProtos.scalar(tag, value, step, wallTimeSeconds)));
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

  private static byte[] record(byte[] event) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(event.length + 16);
    try {
      TfRecords.write(bytes, event);
    } catch (IOException e) {
      throw new UncheckedIOException("a byte array stream does not fail", e);
    }
    return bytes.toByteArray();
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
