package a3c.rpc;

import a3c.proto.Tensor;
import a3c.proto.TensorSpec;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Converts between float arrays and {@link Tensor} messages (raw little-endian float32 bytes). */
public final class Tensors {
  private Tensors() {}

  /** A tensor holding {@code values[offset, offset + length)}, copied into new little-endian bytes. */
  public static Tensor encode(String name, long[] shape, float[] values, int offset, int length) {
    byte[] bytes = new byte[Math.multiplyExact(length, Float.BYTES)];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values, offset, length);
    return of(name, shape, UnsafeByteOperations.unsafeWrap(bytes));
  }

  /** A tensor over bytes that nobody will modify afterwards. */
  public static Tensor of(String name, long[] shape, ByteString littleEndianFloats) {
    Tensor.Builder tensor = Tensor.newBuilder().setName(name).setData(littleEndianFloats);
    for (long dim : shape) {
      tensor.addShape(dim);
    }
    return tensor.build();
  }

  /** Copies a tensor's values into {@code destination} from {@code offset}; the caller checked the length. */
  public static void decode(ByteString data, float[] destination, int offset) {
    asFloats(data).get(destination, offset, data.size() / Float.BYTES);
  }

  /** A read-only little-endian view of a tensor's bytes (a copy only if the bytes are not contiguous). */
  public static java.nio.FloatBuffer asFloats(ByteString data) {
    return data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
  }

  /** The tensor's values as a new array. */
  public static float[] toArray(Tensor tensor) {
    float[] values = new float[tensor.getData().size() / Float.BYTES];
    decode(tensor.getData(), values, 0);
    return values;
  }

  public static long[] shape(Tensor tensor) {
    return tensor.getShapeList().stream().mapToLong(Long::longValue).toArray();
  }

  public static TensorSpec spec(String name, long[] shape) {
    TensorSpec.Builder spec = TensorSpec.newBuilder().setName(name);
    for (long dim : shape) {
      spec.addShape(dim);
    }
    return spec.build();
  }
}
