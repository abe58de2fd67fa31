package a3c.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file that grows by whole records only, and loses none to a full disk.
 *
 * <p>Records wait in memory until {@link #flush}. A write that fails (ENOSPC) may have written part
 * of them; the file is cut back to its last whole record and they stay waiting for the next flush,
 * so readers never meet half a record and, once space returns, every record reaches the file. The
 * wait is bounded by {@code maxPendingBytes}: past it the waiting records are dropped, not the process.
 */
public final class AppendOnlyFile implements AutoCloseable {
  private final FileChannel channel;
  private final long maxPendingBytes;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private long whole;
  private long dropped;

  private AppendOnlyFile(FileChannel channel, long maxPendingBytes) throws IOException {
    this.channel = channel;
    this.maxPendingBytes = maxPendingBytes;
    this.whole = channel.size();
  }

  /**
   * Opens {@code file} to append to it.
   *
   * @param create {@link StandardOpenOption#CREATE} or {@link StandardOpenOption#CREATE_NEW}
   */
  public static AppendOnlyFile open(Path file, StandardOpenOption create, long maxPendingBytes) throws IOException {
    return new AppendOnlyFile(FileChannel.open(file, create, StandardOpenOption.WRITE), maxPendingBytes);
  }

  /** The file's size up to its last whole record. */
  public synchronized long size() {
    return whole;
  }

  /** Queues a record; it reaches the file at the next {@link #flush}. */
  public synchronized void append(byte[] record) {
    if (pending.size() + (long) record.length > maxPendingBytes) {
      dropped += pending.size();
      pending.reset();
    }
    pending.writeBytes(record);
  }

  /** How many queued bytes were dropped, the queue being full, since the file was opened. */
  public synchronized long droppedBytes() {
    return dropped;
  }

  /**
   * Writes every queued record.
   *
   * @throws IOException when they cannot all be written; the file then ends at its last whole
   *     record and they stay queued
   */
  public synchronized void flush() throws IOException {
    if (pending.size() == 0) {
      return;
    }
    ByteBuffer bytes = ByteBuffer.wrap(pending.toByteArray());
    try {
      long position = whole;
      while (bytes.hasRemaining()) {
        position += channel.write(bytes, position);
      }
    } catch (IOException e) {
      try {
        channel.truncate(whole);
      } catch (IOException cut) {
        e.addSuppressed(cut);
      }
      throw e;
    }
    whole += bytes.capacity();
    pending.reset();
  }

  /** Flushes, then closes the file even when the flush fails. */
  @Override
  public synchronized void close() throws IOException {
    try {
      flush();
    } finally {
      channel.close();
    }
  }
}
