package a3c.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TfRecordsTest {
  /** Bit-at-a-time CRC32C (reflected Castagnoli polynomial), independent of java.util.zip. */
  private static int bitwiseCrc32c(byte[] bytes) {
    int crc = 0xffffffff;
    for (byte b : bytes) {
      crc ^= b & 0xff;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
      }
    }
    return ~crc;
  }

  private static int mask(int crc) {
    return Integer.rotateRight(crc, 15) + 0xa282ead8;
  }

  @Test
  void bitwiseCrc32c_matchesStandardCheckValue() {
    assertEquals(0xe3069283, bitwiseCrc32c("123456789".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void maskedCrc32c_checkInput_matchesHandMaskedValue() {
    byte[] input = "123456789".getBytes(StandardCharsets.US_ASCII);
    // 0xe3069283 rotated right by 15 is 0x2507c60d; plus 0xa282ead8 gives 0xc78ab0e5.
    assertEquals(0xc78ab0e5, TfRecords.maskedCrc32c(input, 0, input.length));
  }

  @Test
  void maskedCrc32c_randomInputAndOffsets_matchesBitwiseLoop() {
    Random random = new Random(42);
    for (int length : new int[] {0, 1, 7, 8, 64, 1000}) {
      byte[] padded = new byte[length + 5];
      random.nextBytes(padded);
      byte[] slice = Arrays.copyOfRange(padded, 3, 3 + length);
      assertEquals(mask(bitwiseCrc32c(slice)), TfRecords.maskedCrc32c(padded, 3, length), "length " + length);
    }
  }

  @Test
  void write_framesDataWithLittleEndianLengthAndMaskedCrcs() throws IOException {
    byte[] data = {1, 2, 3};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TfRecords.write(out, data);
    int lengthCrc = mask(bitwiseCrc32c(new byte[] {3, 0, 0, 0, 0, 0, 0, 0}));
    int dataCrc = mask(bitwiseCrc32c(data));
    byte[] expected = {
      3, 0, 0, 0, 0, 0, 0, 0,
      (byte) lengthCrc, (byte) (lengthCrc >>> 8), (byte) (lengthCrc >>> 16), (byte) (lengthCrc >>> 24),
      1, 2, 3,
      (byte) dataCrc, (byte) (dataCrc >>> 8), (byte) (dataCrc >>> 16), (byte) (dataCrc >>> 24),
    };
    assertArrayEquals(expected, out.toByteArray());
  }
}
