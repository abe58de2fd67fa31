package a3c.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.proto.DType;
import a3c.proto.Tensor;
import com.google.protobuf.ByteString;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WireDtypesTest {
  private static short bf16(float value) {
    return WireDtypes.toBfloat16(value);
  }

  @Test
  void toBfloat16_roundsToNearest_andTiesToEven() {
    assertEquals((short) 0x3F80, bf16(1.0f));
    // 1 + 2^-8 lies halfway between 1.0 (even mantissa) and 1 + 2^-7: it goes down.
    assertEquals((short) 0x3F80, bf16(Float.intBitsToFloat(0x3F808000)));
    // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): it goes up.
    assertEquals((short) 0x3F82, bf16(Float.intBitsToFloat(0x3F818000)));
    // Just above halfway goes up, just below goes down.
    assertEquals((short) 0x3F81, bf16(Float.intBitsToFloat(0x3F808001)));
    assertEquals((short) 0x3F80, bf16(Float.intBitsToFloat(0x3F807FFF)));
    assertEquals((short) 0xBF80, bf16(-1.0f));
  }

  @Test
  void toBfloat16_keepsInfinitiesAndNaN_andOverflowsToInfinity() {
    assertEquals(Float.POSITIVE_INFINITY, WireDtypes.fromBfloat16(bf16(Float.POSITIVE_INFINITY)));
    assertEquals(Float.NEGATIVE_INFINITY, WireDtypes.fromBfloat16(bf16(Float.NEGATIVE_INFINITY)));
    assertTrue(Float.isNaN(WireDtypes.fromBfloat16(bf16(Float.NaN))));
    // A NaN whose payload sits in the low half only must not become infinity.
    assertTrue(Float.isNaN(WireDtypes.fromBfloat16(bf16(Float.intBitsToFloat(0x7F800001)))));
    assertEquals(Float.POSITIVE_INFINITY, WireDtypes.fromBfloat16(bf16(Float.MAX_VALUE)));
  }

  @Test
  void as_roundTripsThroughBfloat16_withinItsPrecision() {
    float[] values = {0.1f, -3.75f, 1e-20f, 12345.678f, 0f};
    Tensor float32 = Tensors.encode("w", new long[] {5}, values, 0, values.length);
    Tensor narrow = WireDtypes.as(float32, DType.DTYPE_BFLOAT16);
    assertEquals(DType.DTYPE_BFLOAT16, narrow.getDtype());
    assertEquals(10, narrow.getData().size());
    assertEquals(List.of(5L), narrow.getShapeList());
    Tensor wide = WireDtypes.as(narrow, DType.DTYPE_FLOAT32);
    float[] back = Tensors.toArray(wide);
    for (int i = 0; i < values.length; i++) {
      assertEquals(values[i], back[i], Math.abs(values[i]) / 256, "value " + i);
    }
    assertEquals(-3.75f, back[1], 0f);
    assertArrayEquals(back, Tensors.toArray(WireDtypes.as(WireDtypes.as(wide, DType.DTYPE_BFLOAT16), DType.DTYPE_FLOAT32)));
  }

  /**
   * The vector conversions against the scalar definitions, over every kind of float (ties, NaNs with
   * payloads in either half, infinities, subnormals, random bits) and lengths that leave a tail
   * past the last whole vector and cross the conversions' chunks.
   */
  @Test
  void vectorConversions_matchTheScalarOnes_bitForBit() {
    int[] special = {0x3F808000, 0x3F818000, 0x3F808001, 0x3F807FFF, 0x7F800000, 0xFF800000, 0x7FC00000, 0x7F800001,
        0xFFFFFFFF, 0x7FFF8000, 0x7F7FFFFF, 0x00000001, 0x80008000, 0x00018000, 0};
    SplittableRandom random = new SplittableRandom(5);
    for (int length : new int[] {1, 15, 17, 4095, 4096, 4097, 9000}) {
      float[] values = new float[length + 3];
      for (int i = 0; i < values.length; i++) {
        values[i] = Float.intBitsToFloat(i % 7 == 0 ? special[i / 7 % special.length] : random.nextInt());
      }
      Tensor narrow = WireDtypes.encodeBfloat16("w", new long[] {length}, values, 3, length);
      ShortBuffer halves = narrow.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
      float[] wide = new float[length + 2];
      WireDtypes.decode(narrow, wide, 2);
      float[] viaAs = Tensors.toArray(WireDtypes.as(narrow, DType.DTYPE_FLOAT32));
      short[] viaFloat32 = new short[length];
      WireDtypes.as(Tensors.encode("w", new long[] {length}, values, 3, length), DType.DTYPE_BFLOAT16).getData()
          .asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(viaFloat32);
      for (int i = 0; i < length; i++) {
        short expected = bf16(values[3 + i]);
        assertEquals(expected, halves.get(i), "length " + length + ", value " + i);
        assertEquals(expected, viaFloat32[i], "length " + length + ", value " + i);
        int widened = Float.floatToRawIntBits(WireDtypes.fromBfloat16(expected));
        assertEquals(widened, Float.floatToRawIntBits(wide[2 + i]), "length " + length + ", value " + i);
        assertEquals(widened, Float.floatToRawIntBits(viaAs[i]), "length " + length + ", value " + i);
      }
    }
  }

  @Test
  void as_leavesTensorsAlreadyInTheDtype() {
    List<Tensor> tensors = List.of(Tensors.encode("b", new long[] {1}, new float[] {1f}, 0, 1));
    assertSame(tensors, WireDtypes.as(tensors, DType.DTYPE_FLOAT32));
  }

  @Test
  void as_refusesBytesThatAreNoWholeNumberOfValues() {
    Tensor odd = Tensor.newBuilder().setName("w").addShape(1).setDtype(DType.DTYPE_BFLOAT16)
        .setData(ByteString.copyFrom(new byte[3])).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WireDtypes.as(odd, DType.DTYPE_FLOAT32));
    assertTrue(e.getMessage().contains("tensor 'w' holds 3 bytes of DTYPE_BFLOAT16"), e.getMessage());
  }

  @Test
  void parse_namesTheFlagWhenWrong() {
    assertEquals(DType.DTYPE_BFLOAT16, WireDtypes.parse("bfloat16"));
    assertEquals(DType.DTYPE_FLOAT32, WireDtypes.parse("float32"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WireDtypes.parse("float16"));
    assertEquals("--wire-dtype must be float32 or bfloat16, got 'float16'", e.getMessage());
  }
}
