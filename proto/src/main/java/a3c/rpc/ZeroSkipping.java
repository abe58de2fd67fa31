package a3c.rpc;

import a3c.proto.DType;
import a3c.proto.Tensor;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Gradients on the wire without their zeros ({@code Tensor.nonzero}): a bit per value says which
 * values {@code data} holds, and every other one is +0.0. Lossless, so learning is untouched. A
 * ReLU network's gradients are mostly exact zeros: units that never fired in a rollout give whole
 * rows of zeros, and inputs that stayed zero whole columns; over Pong, 63% of the reference
 * network's gradient values early in a run. Each side spends one vector pass (compress on the way
 * out, expand on the way in); a tensor that would not shrink goes dense.
 */
public final class ZeroSkipping {
  /** Values handled at a time: a multiple of every vector length, so each block's bits fill whole bytes. */
  private static final int CHUNK = 4096;
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
  /** Vectors of fewer than 8 lanes would not fill a bitmap byte: those machines take the scalar loops. */
  private static final boolean VECTORS = INTS.length() >= 8;

  private ZeroSkipping() {}

  /** Whether {@code tensor} travels without its zeros. */
  public static boolean skipsZeros(Tensor tensor) {
    return !tensor.getNonzero().isEmpty();
  }

  /** The float32 tensors in {@code wire}, each without its zeros when that makes it smaller. */
  public static List<Tensor> encode(List<Tensor> float32, DType wire) {
    List<Tensor> encoded = new ArrayList<>(float32.size());
    for (Tensor tensor : float32) {
      encoded.add(encode(tensor, wire));
    }
    return encoded;
  }

  /** One float32 tensor in {@code wire}, without its zeros when that makes it smaller. */
  public static Tensor encode(Tensor float32, DType wire) {
    IntBuffer source = float32.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
    return encode(source, float32.getName(), Tensors.shape(float32), wire, null, (bits, length, from) -> { });
  }

  /** What a sender checks in each chunk of a tensor's float32 bits before it is encoded; it throws to refuse the tensor. */
  @FunctionalInterface
  public interface ChunkCheck {
    /** @param from the index in the tensor of {@code bits[0]} */
    void check(int[] bits, int length, int from);
  }

  /**
   * A tensor's float32 bits ({@code values}, one int a value) in {@code wire}, without their zeros
   * when that makes it smaller. One pass, a chunk at a time: each chunk is copied out, given to
   * {@code check}, and encoded from the same copy, so what goes out is what was checked even when
   * {@code values} (a worker's shared-memory file) is written meanwhile.
   *
   * @param scratch room for the values kept, reused from one tensor to the next ({@link Scratch}); null for none
   */
  public static Tensor encode(IntBuffer values, String name, long[] shape, DType wire, Scratch scratch, ChunkCheck check) {
    Encoder encoder = new Encoder(values.limit(), wire, scratch);
    int[] bits = new int[CHUNK];
    for (int from = 0; from < values.limit(); from += CHUNK) {
      int length = Math.min(CHUNK, values.limit() - from);
      values.get(from, bits, 0, length);
      check.check(bits, length, from);
      encoder.add(bits, length);
    }
    return encoder.tensor(name, shape);
  }

  /**
   * Checks that a tensor without its zeros is whole: a bit per value and none beyond, and as many
   * values as bits set.
   *
   * @throws IllegalArgumentException naming the tensor otherwise
   */
  public static void requireWhole(Tensor tensor, long numel, int bytesPerValue) {
    ValueBitmaps.requireWhole(tensor, "nonzero", tensor.getNonzero(), numel, bytesPerValue);
  }

  /**
   * The same values with all of them in {@code data}, in {@code dtype}, straight from the expanded
   * floats; the caller checked the tensor ({@link #requireWhole}).
   */
  static Tensor dense(Tensor tensor, DType dtype) {
    float[] values = new float[Math.toIntExact(numel(tensor))];
    expand(tensor, values, 0);
    return dtype == DType.DTYPE_BFLOAT16
        ? WireDtypes.encodeBfloat16(tensor.getName(), Tensors.shape(tensor), values, 0, values.length)
        : Tensors.encode(tensor.getName(), Tensors.shape(tensor), values, 0, values.length);
  }

  /**
   * Writes a tensor without its zeros into {@code destination} from {@code offset}, every value as
   * a float, zeros included; the caller checked it ({@link #requireWhole}).
   */
  static void expand(Tensor tensor, float[] destination, int offset) {
    // Sliced: a parsed message's bytes may start inside a larger buffer, and the gets below are absolute.
    ByteBuffer bitmap = tensor.getNonzero().asReadOnlyByteBuffer().slice();
    long numel = numel(tensor);
    ByteBuffer data = tensor.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    ShortBuffer halves = tensor.getDtype() == DType.DTYPE_BFLOAT16 ? data.asShortBuffer() : null;
    IntBuffer floats = halves == null ? data.asIntBuffer() : null;
    short[] packedHalves = halves == null ? null : new short[CHUNK];
    // The chunk's kept values as float32 bits, with a vector's slack: an expand loads a whole vector.
    int[] packed = new int[CHUNK + INTS.length()];
    int read = 0;
    for (int from = 0; from < numel; from += CHUNK) {
      int length = (int) Math.min(CHUNK, numel - from);
      int count = 0;
      for (int b = from >>> 3; b < (from + length + 7) >>> 3; b++) {
        count += Integer.bitCount(bitmap.get(b) & 0xff);
      }
      if (halves != null) {
        halves.get(read, packedHalves, 0, count);
        for (int k = 0; k < count; k++) {
          packed[k] = packedHalves[k] << 16;
        }
      } else {
        floats.get(read, packed, 0, count);
      }
      read += count;
      int i = 0;
      int k = 0;
      if (VECTORS) {
        for (int upper = INTS.loopBound(length); i < upper; i += INTS.length()) {
          long mask = blockBits(bitmap, from + i);
          IntVector.fromArray(INTS, packed, k).expand(VectorMask.fromLong(INTS, mask)).reinterpretAsFloats()
              .intoArray(destination, offset + from + i);
          k += Long.bitCount(mask);
        }
      }
      for (; i < length; i++) {
        boolean set = (bitmap.get((from + i) >>> 3) >>> ((from + i) & 7) & 1) != 0;
        destination[offset + from + i] = set ? Float.intBitsToFloat(packed[k++]) : 0f;
      }
    }
  }

  /** The number of values the tensor's shape holds. */
  static long numel(Tensor tensor) {
    long numel = 1;
    for (long dim : tensor.getShapeList()) {
      numel *= dim;
    }
    return numel;
  }

  /** The bits of the vector-length block of values that starts at {@code value}, a multiple of 8. */
  private static long blockBits(ByteBuffer bitmap, int value) {
    long bits = 0;
    for (int b = 0; b < INTS.length() / 8; b++) {
      bits |= (long) (bitmap.get((value >>> 3) + b) & 0xff) << (8 * b);
    }
    return bits;
  }

  /** Builds one tensor in the wire's dtype without its zeros, from its float32 bits a chunk at a time. */
  static final class Encoder {
    private final int numel;
    private final DType wire;
    private final byte[] bitmap;
    /** The values kept, in the wire's dtype; room for all of them. */
    private final byte[] data;
    /** Whether {@link #data} is a scratch's, which the tensor must not keep. */
    private final boolean scratched;
    private final IntBuffer floats;
    private final ShortBuffer halves;
    private final int[] packed = new int[CHUNK + INTS.length()];
    private final short[] rounded = new short[CHUNK];
    private int at;
    private int kept;

    /**
     * @param numel the tensor's values, which {@link #add} must be given in order, in chunks of 4,096 but the last
     * @param scratch room for the values kept, reused from one tensor to the next (the tensor gets
     *     a copy of the few it keeps instead of a zeroed array the size of all); null for none
     */
    Encoder(int numel, DType wire, Scratch scratch) {
      this.numel = numel;
      this.wire = wire;
      this.bitmap = new byte[(numel + 7) / 8];
      int bytes = Math.multiplyExact(numel, WireDtypes.bytesPerValue(wire));
      this.data = scratch == null ? new byte[bytes] : scratch.atLeast(bytes);
      this.scratched = scratch != null;
      ByteBuffer target = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      this.floats = target.asIntBuffer();
      this.halves = target.asShortBuffer();
    }

    /** The next {@code length} values' float32 bits; {@code length} is 4,096 for every chunk but the last. */
    void add(int[] bits, int length) {
      if (at % CHUNK != 0 || length > CHUNK || at + length > numel) {
        throw new IllegalArgumentException("values come in chunks of " + CHUNK + ": got " + length + " at " + at);
      }
      int i = 0;
      int count = 0;
      if (VECTORS) {
        for (int upper = INTS.loopBound(length); i < upper; i += INTS.length()) {
          IntVector values = IntVector.fromArray(INTS, bits, i);
          VectorMask<Integer> nonzero = values.compare(VectorOperators.NE, 0);
          values.compress(nonzero).intoArray(packed, count);
          long mask = nonzero.toLong();
          for (int b = 0; b < INTS.length() / 8; b++) {
            bitmap[((at + i) >>> 3) + b] = (byte) (mask >>> (8 * b));
          }
          count += Long.bitCount(mask);
        }
      }
      for (; i < length; i++) {
        if (bits[i] != 0) {
          bitmap[(at + i) >>> 3] |= (byte) (1 << ((at + i) & 7));
          packed[count++] = bits[i];
        }
      }
      if (wire == DType.DTYPE_BFLOAT16) {
        WireDtypes.narrow(packed, rounded, count);
        halves.put(kept, rounded, 0, count);
      } else {
        floats.put(kept, packed, 0, count);
      }
      kept += count;
      at += length;
    }

    /** The tensor, once every value is in: without its zeros, or dense when that is no larger. */
    Tensor tensor(String name, long[] shape) {
      if (at != numel) {
        throw new IllegalStateException("the tensor has " + numel + " values, " + at + " were given");
      }
      int bytes = kept * WireDtypes.bytesPerValue(wire);
      Tensor.Builder tensor = Tensor.newBuilder().setName(name).setDtype(wire)
          .setData(scratched ? UnsafeByteOperations.unsafeWrap(Arrays.copyOf(data, bytes))
              : UnsafeByteOperations.unsafeWrap(data, 0, bytes));
      for (long dim : shape) {
        tensor.addShape(dim);
      }
      if (kept == numel) {
        // Not one zero (an LSTM's recurrent weights): the values kept are the dense tensor already.
        return tensor.build();
      }
      Tensor skipped = tensor.setNonzero(UnsafeByteOperations.unsafeWrap(bitmap)).build();
      return (long) bytes + bitmap.length < (long) numel * WireDtypes.bytesPerValue(wire) ? skipped : dense(skipped, wire);
    }
  }

  /** Room for an {@link Encoder}'s values, grown to the largest tensor it is given; for one thread at a time. */
  public static final class Scratch {
    private byte[] bytes = new byte[0];

    byte[] atLeast(int size) {
      if (bytes.length < size) {
        bytes = new byte[size];
      }
      return bytes;
    }
  }
}
