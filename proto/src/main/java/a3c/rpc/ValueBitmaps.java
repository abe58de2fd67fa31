package a3c.rpc;

import a3c.proto.Tensor;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Checks of the bit-per-value maps that say which values a tensor's {@code data} holds
 * ({@code Tensor.nonzero}, {@code Tensor.changed}): the least significant bit of the first byte
 * first, no bits beyond the tensor's values, and as many values as bits set.
 */
final class ValueBitmaps {
  private ValueBitmaps() {}

  /**
   * @param field the bitmap's field, for the message
   * @throws IllegalArgumentException naming the tensor when the bitmap or the data's length is wrong
   */
  static void requireWhole(Tensor tensor, String field, ByteString bitmap, long numel, int bytesPerValue) {
    String name = tensor.getName();
    ByteString data = tensor.getData();
    if (bitmap.size() != (numel + 7) / 8) {
      throw new IllegalArgumentException("tensor '" + name + "' of " + numel + " values has a " + field + " bitmap of "
          + bitmap.size() + " bytes, not " + (numel + 7) / 8);
    }
    if (numel % 8 != 0 && (bitmap.byteAt(bitmap.size() - 1) & 0xff) >>> (numel % 8) != 0) {
      throw new IllegalArgumentException("tensor '" + name + "' has " + field + " bits beyond its " + numel + " values");
    }
    long set = 0;
    ByteBuffer bits = bitmap.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    while (bits.remaining() >= Long.BYTES) {
      set += Long.bitCount(bits.getLong());
    }
    while (bits.hasRemaining()) {
      set += Integer.bitCount(bits.get() & 0xff);
    }
    if (set * bytesPerValue != data.size()) {
      throw new IllegalArgumentException("tensor '" + name + "' marks " + set + " " + field + " values but holds "
          + data.size() + " bytes of " + tensor.getDtype());
    }
  }
}
