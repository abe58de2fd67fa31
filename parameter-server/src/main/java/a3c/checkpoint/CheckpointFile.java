package a3c.checkpoint;

import a3c.files.ReplacementFile;
import a3c.proto.Checkpoint;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * Reads and writes one checkpoint file: the 8 bytes {@code A3CCKPT1}, the payload's length (big-endian
 * uint64), its CRC32C (big-endian uint32), then the payload, a serialized {@link Checkpoint}.
 *
 * <p>Writes go to a temporary file in the same folder, are forced to disk, then renamed over the
 * target in one atomic step, and the folder is forced too: a crash leaves either the old file or
 * the new one, never a torn one.
 */
public final class CheckpointFile {
  static final byte[] MAGIC = "A3CCKPT1".getBytes(StandardCharsets.US_ASCII);
  static final int HEADER_BYTES = MAGIC.length + Long.BYTES + Integer.BYTES;

  private CheckpointFile() {}

  public static void write(Path file, Checkpoint checkpoint) throws IOException {
    byte[] payload = checkpoint.toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(payload);
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putLong(payload.length).putInt((int) crc.getValue());
    header.flip();
    Path folder = file.toAbsolutePath().getParent();
    Files.createDirectories(folder);
    Path temporary = ReplacementFile.beside(file);
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer body = ByteBuffer.wrap(payload);
        while (header.hasRemaining() || body.hasRemaining()) {
          channel.write(new ByteBuffer[] {header, body});
        }
        channel.force(true);
      }
      try {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename " + temporary + " to " + file + " atomically", e);
      }
      forceFolder(folder);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Reads and verifies a checkpoint file.
   *
   * @throws CheckpointException naming the file when it is missing, truncated, corrupt or not a checkpoint
   */
  public static Checkpoint read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CheckpointException(file, "cannot be read: " + e, e);
    }
    if (bytes.length < HEADER_BYTES) {
      throw new CheckpointException(file, "is truncated: " + bytes.length + " bytes, shorter than the "
          + HEADER_BYTES + "-byte header");
    }
    if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new CheckpointException(file, "is not an a3c-java checkpoint (it does not start with A3CCKPT1)");
    }
    ByteBuffer header = ByteBuffer.wrap(bytes, MAGIC.length, Long.BYTES + Integer.BYTES);
    long length = header.getLong();
    int expectedCrc = header.getInt();
    long actual = bytes.length - HEADER_BYTES;
    if (actual < length) {
      throw new CheckpointException(file, "is truncated: the header announces " + length + " bytes of payload, the file holds " + actual);
    }
    if (actual > length) {
      throw new CheckpointException(file, "is corrupt: " + (actual - length) + " bytes follow the announced payload");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, HEADER_BYTES, (int) length);
    if ((int) crc.getValue() != expectedCrc) {
      throw new CheckpointException(file, String.format(Locale.ROOT, "is corrupt: CRC32C of the payload is %08x, the header says %08x",
          (int) crc.getValue(), expectedCrc));
    }
    try {
      return Checkpoint.parseFrom(ByteBuffer.wrap(bytes, HEADER_BYTES, (int) length));
    } catch (InvalidProtocolBufferException e) {
      throw new CheckpointException(file, "is corrupt: its payload is not a valid Checkpoint message (" + e.getMessage() + ")", e);
    }
  }

  private static void forceFolder(Path folder) {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a folder for reading; the rename itself is already atomic.
    }
  }

}
