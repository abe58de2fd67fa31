package a3c.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.proto.DType;
import a3c.proto.Tensor;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tensors without their zeros against the same tensors dense, bit for bit. */
class ZeroSkippingTest {
  /** Values drawn with the given share of exact zeros, some of them -0.0 (kept: only +0.0 is skipped). */
  private static float[] values(int numel, double zeros, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[numel];
    for (int i = 0; i < numel; i++) {
      double draw = random.nextDouble();
      values[i] = draw < zeros ? 0f : draw < zeros + 0.01 ? -0f
          : (float) ((random.nextDouble() - 0.5) * Math.pow(10, -random.nextInt(30)));
    }
    return values;
  }

  private static Tensor float32(float[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return Tensors.of("t", new long[] {values.length}, ByteString.copyFrom(bytes));
  }

  @ParameterizedTest(name = "{0} values, {1} zeros, {2}")
  @CsvSource({"1, 0.9, DTYPE_FLOAT32", "7, 0.5, DTYPE_BFLOAT16", "15, 0.63, DTYPE_FLOAT32", "16, 1.0, DTYPE_FLOAT32",
      "17, 0.63, DTYPE_BFLOAT16", "4095, 0.63, DTYPE_FLOAT32", "4096, 0.63, DTYPE_BFLOAT16",
      "4097, 0.95, DTYPE_FLOAT32", "10001, 0.63, DTYPE_BFLOAT16", "663552, 0.85, DTYPE_FLOAT32",
      "663552, 0.85, DTYPE_BFLOAT16", "5000, 0.0, DTYPE_FLOAT32", "5000, 0.02, DTYPE_BFLOAT16",
      "262144, 0.0, DTYPE_BFLOAT16", "4097, 0.0, DTYPE_FLOAT32"})
  void encoded_decodesToTheDenseTensorsValues_bitForBit(int numel, double zeros, DType wire) {
    float[] original = values(numel, zeros, numel * 31L + (long) (zeros * 100));
    Tensor dense = WireDtypes.as(float32(original), wire);
    Tensor encoded = ZeroSkipping.encode(float32(original), wire);
    int bytesPerValue = WireDtypes.bytesPerValue(wire);
    long kept = 0;
    for (float value : original) {
      kept += Float.floatToRawIntBits(value) != 0 ? 1 : 0;
    }
    boolean smaller = kept * bytesPerValue + (numel + 7) / 8 < (long) numel * bytesPerValue;
    assertEquals(smaller, ZeroSkipping.skipsZeros(encoded), "zeros are skipped exactly when that is smaller");
    assertEquals(wire, encoded.getDtype());
    assertEquals(smaller ? kept * bytesPerValue : (long) numel * bytesPerValue, encoded.getData().size());
    if (smaller) {
      ZeroSkipping.requireWhole(encoded, numel, bytesPerValue);
    }

    float[] expected = new float[numel + 2];
    float[] actual = new float[numel + 2];
    Arrays.fill(actual, 7f);
    expected[0] = 7f;
    expected[numel + 1] = 7f;
    WireDtypes.decode(dense, expected, 1);
    // As a parsed message may hold them: inside larger buffers.
    Tensor received = encoded.toBuilder().setNonzero(inside(encoded.getNonzero())).setData(inside(encoded.getData())).build();
    WireDtypes.decode(received, actual, 1);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "value " + (i - 1));
    }
    assertEquals(dense, WireDtypes.as(encoded, wire), "as() gives the dense tensor back");
  }

  /** The same bytes, three bytes into a larger array. */
  private static ByteString inside(ByteString bytes) {
    byte[] larger = new byte[bytes.size() + 5];
    bytes.copyTo(larger, 3);
    return ByteString.copyFrom(larger).substring(3, 3 + bytes.size());
  }

  @Test
  void encoder_takesTheValuesInWholeChunks_andAllOfThem() {
    ZeroSkipping.Encoder encoder = new ZeroSkipping.Encoder(5000, DType.DTYPE_FLOAT32, null);
    assertThrows(IllegalStateException.class, () -> encoder.tensor("t", new long[] {5000}));
    encoder.add(new int[4096], 100);
    assertEquals("values come in chunks of 4096: got 100 at 100",
        assertThrows(IllegalArgumentException.class, () -> encoder.add(new int[4096], 100)).getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"DTYPE_FLOAT32", "DTYPE_BFLOAT16"})
  void encodersSharingAScratch_giveTheTensorsOfEncodersWithout_andLeaveEarlierOnesIntact(DType wire) {
    ZeroSkipping.Scratch scratch = new ZeroSkipping.Scratch();
    float[][] tensors = {values(10001, 0.63, 1), values(663552, 0.85, 2), values(5000, 0.0, 3), values(4097, 0.95, 4)};
    Tensor[] shared = new Tensor[tensors.length];
    for (int t = 0; t < tensors.length; t++) {
      shared[t] = encoded(tensors[t], wire, scratch);
    }
    for (int t = 0; t < tensors.length; t++) {
      assertEquals(encoded(tensors[t], wire, null), shared[t], "tensor " + t);
    }
  }

  private static Tensor encoded(float[] values, DType wire, ZeroSkipping.Scratch scratch) {
    ZeroSkipping.Encoder encoder = new ZeroSkipping.Encoder(values.length, wire, scratch);
    int[] bits = new int[4096];
    for (int from = 0; from < values.length; from += bits.length) {
      int length = Math.min(bits.length, values.length - from);
      for (int i = 0; i < length; i++) {
        bits[i] = Float.floatToRawIntBits(values[from + i]);
      }
      encoder.add(bits, length);
    }
    return encoder.tensor("t", new long[] {values.length});
  }

  @Test
  void requireWhole_refusesABitmapOfTheWrongLength_strayBits_andAValueCountThatDiffers() {
    Tensor encoded = ZeroSkipping.encode(float32(values(20, 0.7, 3)), DType.DTYPE_FLOAT32);
    assertTrue(ZeroSkipping.skipsZeros(encoded));
    byte[] bitmap = encoded.getNonzero().toByteArray();
    assertEquals(3, bitmap.length);

    Tensor shortBitmap = encoded.toBuilder().setNonzero(ByteString.copyFrom(bitmap, 0, 2)).build();
    assertEquals("tensor 't' of 20 values has a nonzero bitmap of 2 bytes, not 3",
        assertThrows(IllegalArgumentException.class, () -> ZeroSkipping.requireWhole(shortBitmap, 20, 4)).getMessage());

    byte[] stray = bitmap.clone();
    stray[2] |= (byte) 0x80;
    Tensor strayBit = encoded.toBuilder().setNonzero(ByteString.copyFrom(stray)).build();
    assertEquals("tensor 't' has nonzero bits beyond its 20 values",
        assertThrows(IllegalArgumentException.class, () -> ZeroSkipping.requireWhole(strayBit, 20, 4)).getMessage());

    Tensor missingValue = encoded.toBuilder().setData(encoded.getData().substring(4)).build();
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> ZeroSkipping.requireWhole(missingValue, 20, 4));
    assertTrue(refused.getMessage().startsWith("tensor 't' marks "), refused.getMessage());
    assertThrows(IllegalArgumentException.class, () -> WireDtypes.as(missingValue, DType.DTYPE_FLOAT32));
    assertFalse(ZeroSkipping.skipsZeros(WireDtypes.as(encoded, DType.DTYPE_FLOAT32)));
  }
}
