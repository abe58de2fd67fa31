package a3c.rpc;

import a3c.proto.DType;
import a3c.proto.Tensor;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Tensors on the wire as bfloat16: half the bytes of float32 on a network link, at 8 bits of
 * mantissa. Only the travelling copy is rounded; the server keeps float32 weights and optimizer
 * state, and shared memory, which moves no bytes, always holds float32.
 */
public final class WireDtypes {
  /** Values converted at a time: each chunk's arrays stay in L1. */
  private static final int CHUNK = 4096;
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  /** As many shorts as {@link #INTS} has ints: a conversion between the two keeps every lane. */
  private static final VectorSpecies<Short> SHORTS =
      VectorSpecies.of(short.class, VectorShape.forBitSize(INTS.vectorBitSize() / 2));

  private WireDtypes() {}

  /** {@code float32} or {@code bfloat16}, as the {@code --wire-dtype} flags spell it. */
  public static DType parse(String flag) {
    return switch (flag == null ? "" : flag.toLowerCase(Locale.ROOT)) {
      case "float32" -> DType.DTYPE_FLOAT32;
      case "bfloat16" -> DType.DTYPE_BFLOAT16;
      default -> throw new IllegalArgumentException("--wire-dtype must be float32 or bfloat16, got '" + flag + "'");
    };
  }

  /** The upper 16 bits of {@code value}, rounded to nearest even; NaN stays NaN. */
  public static short toBfloat16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
  }

  public static float fromBfloat16(short value) {
    return Float.intBitsToFloat(value << 16);
  }

  /**
   * Bytes per value of {@code dtype} on the wire.
   *
   * @throws IllegalArgumentException for a dtype this build does not know
   */
  public static int bytesPerValue(DType dtype) {
    return switch (dtype) {
      case DTYPE_FLOAT32 -> Float.BYTES;
      case DTYPE_BFLOAT16 -> Short.BYTES;
      default -> throw new IllegalArgumentException("unknown tensor dtype " + dtype + ": only float32 and bfloat16 are accepted");
    };
  }

  /** The tensors in {@code dtype}, all values in {@code data}: the same ones when they are so already. */
  public static List<Tensor> as(List<Tensor> tensors, DType dtype) {
    if (tensors.stream().allMatch(tensor -> tensor.getDtype() == dtype && !ZeroSkipping.skipsZeros(tensor)
        && !WeightChanges.carriesChanges(tensor))) {
      return tensors;
    }
    List<Tensor> converted = new ArrayList<>(tensors.size());
    for (Tensor tensor : tensors) {
      converted.add(as(tensor, dtype));
    }
    return converted;
  }

  /**
   * One tensor in {@code dtype}, all its values in {@code data}.
   *
   * @throws IllegalArgumentException when its bytes are no whole number of values, or its dtype is
   *     unknown, or it skips zeros but is not whole ({@link ZeroSkipping#requireWhole}), or it
   *     carries only its changes ({@link WeightChanges#requireNone})
   */
  public static Tensor as(Tensor tensor, DType dtype) {
    WeightChanges.requireNone(tensor);
    if (ZeroSkipping.skipsZeros(tensor)) {
      ZeroSkipping.requireWhole(tensor, ZeroSkipping.numel(tensor), bytesPerValue(tensor.getDtype()));
      return ZeroSkipping.dense(tensor, dtype);
    }
    if (tensor.getDtype() == dtype) {
      return tensor;
    }
    ByteString data = tensor.getData();
    if (tensor.getDtype() == DType.DTYPE_BFLOAT16 && dtype == DType.DTYPE_FLOAT32 && data.size() % 2 == 0) {
      return widened(tensor);
    }
    if (tensor.getDtype() == DType.DTYPE_FLOAT32 && dtype == DType.DTYPE_BFLOAT16 && data.size() % 4 == 0) {
      return encodeBfloat16(tensor.getName(), data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer(),
          tensor.getShapeList());
    }
    throw new IllegalArgumentException("tensor '" + tensor.getName() + "' holds " + data.size() + " bytes of "
        + tensor.getDtype() + ": not a whole number of values");
  }

  /**
   * Copies a tensor's values, float32 or bfloat16, zeros skipped or not, into {@code destination}
   * from {@code offset} as floats; the caller checked its byte length against its dtype
   * ({@link #bytesPerValue}, {@link ZeroSkipping#requireWhole}).
   *
   * @throws IllegalArgumentException when it carries only its changes ({@link WeightChanges#requireNone})
   */
  public static void decode(Tensor tensor, float[] destination, int offset) {
    WeightChanges.requireNone(tensor);
    if (ZeroSkipping.skipsZeros(tensor)) {
      ZeroSkipping.expand(tensor, destination, offset);
      return;
    }
    if (tensor.getDtype() != DType.DTYPE_BFLOAT16) {
      Tensors.decode(tensor.getData(), destination, offset);
      return;
    }
    ShortBuffer source = tensor.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    short[] halves = new short[CHUNK];
    for (int from = 0; from < source.limit(); from += CHUNK) {
      int length = Math.min(CHUNK, source.limit() - from);
      source.get(from, halves, 0, length);
      widen(halves, length, destination, offset + from);
    }
  }

  /** A bfloat16 tensor of {@code values[offset, offset + length)}. */
  public static Tensor encodeBfloat16(String name, long[] shape, float[] values, int offset, int length) {
    byte[] bytes = new byte[Math.multiplyExact(length, Short.BYTES)];
    toBfloat16(values, offset, offset + length, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer(), 0);
    Tensor.Builder tensor = Tensor.newBuilder().setName(name).setDtype(DType.DTYPE_BFLOAT16)
        .setData(UnsafeByteOperations.unsafeWrap(bytes));
    for (long dim : shape) {
      tensor.addShape(dim);
    }
    return tensor.build();
  }

  /**
   * Rounds {@code values[from, to)} to bfloat16, as {@link #toBfloat16(float)} does, into
   * {@code target} from index {@code at}: a range of a model's weights, while it is still in cache.
   */
  public static void toBfloat16(float[] values, int from, int to, ShortBuffer target, int at) {
    int[] bits = new int[CHUNK];
    short[] halves = new short[CHUNK];
    for (int start = from; start < to; start += CHUNK) {
      int chunk = Math.min(CHUNK, to - start);
      int i = 0;
      for (int upper = INTS.loopBound(chunk); i < upper; i += INTS.length()) {
        FloatVector.fromArray(FLOATS, values, start + i).reinterpretAsInts().intoArray(bits, i);
      }
      for (; i < chunk; i++) {
        bits[i] = Float.floatToRawIntBits(values[start + i]);
      }
      narrow(bits, halves, chunk);
      target.put(at + start - from, halves, 0, chunk);
    }
  }

  /**
   * Rounds {@code bits[0, length)}, floats' bits, to bfloat16 in {@code halves}, as
   * {@link #toBfloat16} does, a vector at a time.
   */
  public static void narrow(int[] bits, short[] halves, int length) {
    IntVector largestVector = IntVector.zero(INTS);
    int i = 0;
    for (int upper = INTS.loopBound(length); i < upper; i += INTS.length()) {
      IntVector value = IntVector.fromArray(INTS, bits, i);
      largestVector = largestVector.max(value.and(0x7fffffff));
      value.add(0x7FFF).add(value.lanewise(VectorOperators.LSHR, 16).and(1)).lanewise(VectorOperators.LSHR, 16)
          .convertShape(VectorOperators.I2S, SHORTS, 0).reinterpretAsShorts().intoArray(halves, i);
    }
    int largest = largestVector.reduceLanes(VectorOperators.MAX);
    for (; i < length; i++) {
      largest = Math.max(largest, bits[i] & 0x7fffffff);
      halves[i] = (short) ((bits[i] + 0x7FFF + ((bits[i] >>> 16) & 1)) >>> 16);
    }
    if (largest > 0x7f800000) {
      // Rounding carried some NaN's payload into the exponent or the sign; senders check for NaN,
      // so this pass is rare.
      for (int j = 0; j < length; j++) {
        if ((bits[j] & 0x7fffffff) > 0x7f800000) {
          halves[j] = toBfloat16(Float.intBitsToFloat(bits[j]));
        }
      }
    }
  }

  /** Widens {@code halves[0, length)}, bfloat16, into {@code destination} from {@code offset}, a vector at a time. */
  private static void widen(short[] halves, int length, float[] destination, int offset) {
    int i = 0;
    for (int upper = SHORTS.loopBound(length); i < upper; i += SHORTS.length()) {
      ShortVector.fromArray(SHORTS, halves, i).convertShape(VectorOperators.S2I, INTS, 0).reinterpretAsInts()
          .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(destination, offset + i);
    }
    for (; i < length; i++) {
      destination[offset + i] = fromBfloat16(halves[i]);
    }
  }

  private static Tensor encodeBfloat16(String name, IntBuffer source, List<Long> shape) {
    byte[] bytes = new byte[source.limit() * Short.BYTES];
    ShortBuffer target = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    int[] bits = new int[CHUNK];
    short[] halves = new short[CHUNK];
    for (int from = 0; from < source.limit(); from += CHUNK) {
      int length = Math.min(CHUNK, source.limit() - from);
      source.get(from, bits, 0, length);
      narrow(bits, halves, length);
      target.put(from, halves, 0, length);
    }
    return Tensor.newBuilder().setName(name).addAllShape(shape).setDtype(DType.DTYPE_BFLOAT16)
        .setData(UnsafeByteOperations.unsafeWrap(bytes)).build();
  }

  private static Tensor widened(Tensor tensor) {
    ShortBuffer source = tensor.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    byte[] bytes = new byte[source.limit() * Float.BYTES];
    FloatBuffer target = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    short[] halves = new short[CHUNK];
    float[] floats = new float[CHUNK];
    for (int from = 0; from < source.limit(); from += CHUNK) {
      int length = Math.min(CHUNK, source.limit() - from);
      source.get(from, halves, 0, length);
      widen(halves, length, floats, 0);
      target.put(from, floats, 0, length);
    }
    return tensor.toBuilder().setDtype(DType.DTYPE_FLOAT32).setData(UnsafeByteOperations.unsafeWrap(bytes)).build();
  }
}
