package a3c.shm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Takes a new shared-memory file's room when it is made. A mapped file on a full tmpfs (Docker
 * gives /dev/shm 64 MB) is only found short when a page of it is first written, as a SIGBUS that
 * the JVM turns into an InternalError in whatever thread wrote it; written here first, the
 * shortage is an IOException that names the folder, and the caller can go without the file.
 */
final class FileRoom {
  private static final int BLOCK = 1 << 20;

  private FileRoom() {}

  /**
   * Writes zeros over the first {@code size} bytes of {@code file}; when they do not fit, closes
   * {@code channel}, deletes the file and says how much room the folder has.
   */
  static void take(FileChannel channel, Path file, long size) throws IOException {
    ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(BLOCK, Math.max(size, 1)));
    try {
      for (long at = 0; at < size; ) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
        at += channel.write(zeros, at);
      }
    } catch (IOException e) {
      channel.close();
      Files.deleteIfExists(file);
      throw new IOException("no room for the " + megabytes(size) + " file " + file.getFileName() + " in " + file.getParent()
          + " (" + megabytes(Files.getFileStore(file.getParent()).getUsableSpace()) + " free there): " + e.getMessage(), e);
    }
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
