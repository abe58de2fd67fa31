package a3c.rpc;

import a3c.proto.DType;
import a3c.proto.Tensor;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tensors on the wire as bfloat16: half the bytes of float32 on a network link, at 8 bits of
 * mantissa. Only the travelling copy is rounded; the server keeps float32 weights and optimizer
 * state, and shared memory, which moves no bytes, always holds float32.
 */
public final class WireDtypes {
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

  /** The tensors in {@code dtype}: the same ones when they are in it already. */
  public static List<Tensor> as(List<Tensor> tensors, DType dtype) {
    if (tensors.stream().allMatch(tensor -> tensor.getDtype() == dtype)) {
      return tensors;
    }
    List<Tensor> converted = new ArrayList<>(tensors.size());
    for (Tensor tensor : tensors) {
      converted.add(as(tensor, dtype));
    }
    return converted;
  }

  /**
   * One tensor in {@code dtype}.
   *
   * @throws IllegalArgumentException when its bytes are no whole number of values, or its dtype is unknown
   */
  public static Tensor as(Tensor tensor, DType dtype) {
    if (tensor.getDtype() == dtype) {
      return tensor;
    }
    ByteString data = tensor.getData();
    if (tensor.getDtype() == DType.DTYPE_BFLOAT16 && dtype == DType.DTYPE_FLOAT32 && data.size() % 2 == 0) {
      ShortBuffer source = data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
      byte[] bytes = new byte[data.size() * 2];
      FloatBuffer target = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      for (int i = 0; i < source.limit(); i++) {
        target.put(i, fromBfloat16(source.get(i)));
      }
      return tensor.toBuilder().setDtype(dtype).setData(UnsafeByteOperations.unsafeWrap(bytes)).build();
    }
    if (tensor.getDtype() == DType.DTYPE_FLOAT32 && dtype == DType.DTYPE_BFLOAT16 && data.size() % 4 == 0) {
      return encodeBfloat16(tensor.getName(), Tensors.asFloats(data), tensor.getShapeList());
    }
    throw new IllegalArgumentException("tensor '" + tensor.getName() + "' holds " + data.size() + " bytes of "
        + tensor.getDtype() + ": not a whole number of values");
  }

  /** A bfloat16 tensor of {@code values}' remaining floats. */
  public static Tensor encodeBfloat16(String name, FloatBuffer values, List<Long> shape) {
    byte[] bytes = new byte[values.remaining() * 2];
    ShortBuffer target = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    int start = values.position();
    for (int i = 0; i < target.limit(); i++) {
      target.put(i, toBfloat16(values.get(start + i)));
    }
    return Tensor.newBuilder().setName(name).addAllShape(shape).setDtype(DType.DTYPE_BFLOAT16)
        .setData(UnsafeByteOperations.unsafeWrap(bytes)).build();
  }
}
