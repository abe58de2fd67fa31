package a3c.tensorboard;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The TFRecord framing TensorBoard reads: per record a little-endian uint64 length, the masked
 * CRC32C of those 8 bytes, the data, and the masked CRC32C of the data.
 */
final class TfRecords {
  static final int HEADER_BYTES = Long.BYTES + Integer.BYTES;
  static final int FOOTER_BYTES = Integer.BYTES;

  // TensorFlow masks stored CRCs because a CRC computed over bytes that themselves embed CRCs is
  // weak; the constant is TensorFlow's kMaskDelta (tensorflow/core/lib/hash/crc32c.h).
  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecords() {}

  static int maskedCrc32c(byte[] bytes, int offset, int length) {
    CRC32C crc32c = new CRC32C();
    crc32c.update(bytes, offset, length);
    int crc = (int) crc32c.getValue();
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  static void write(OutputStream out, byte[] data) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(data.length);
    header.putInt(maskedCrc32c(header.array(), 0, Long.BYTES));
    ByteBuffer footer = ByteBuffer.allocate(FOOTER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    footer.putInt(maskedCrc32c(data, 0, data.length));
    out.write(header.array());
    out.write(data);
    out.write(footer.array());
  }
}
