package a3c.rpc;

import a3c.proto.DType;
import a3c.proto.Tensor;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Weights on the wire as their changes since a version the receiver holds ({@code Tensor.changed},
 * {@code changes_since}): a bit per value says which values {@code data} holds, and every other
 * value keeps its bytes. Exact: the receiver rebuilds the very tensors a whole reply would carry.
 * From one version to the next Adam moves each weight by about the learning rate, which leaves
 * most bfloat16 values as they were: over Pong 3-9% of them change, so such a reply is about a
 * fifth of the whole weights (the bitmap is a sixteenth). Float32 values nearly all change.
 */
public final class WeightChanges {
  /** Values compared at a time: a multiple of every vector length, so each block's bits fill whole bytes. */
  private static final int CHUNK = 4096;
  private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
  /** Vectors of fewer than 8 lanes would not fill a bitmap byte: those machines take the scalar loops. */
  private static final boolean VECTORS = INTS.length() >= 8;

  /**
   * Each thread's room for a tensor's changed values: the reply keeps a copy of the fifth it uses
   * instead of a zeroed array the size of the tensor.
   */
  private static final ThreadLocal<ZeroSkipping.Scratch> CHANGED = ThreadLocal.withInitial(ZeroSkipping.Scratch::new);

  private WeightChanges() {}

  /** Whether weights in {@code dtype} are worth sending as their changes: only bfloat16 leaves most values as they were. */
  public static boolean worthwhile(DType dtype) {
    return dtype == DType.DTYPE_BFLOAT16;
  }

  /** Whether {@code tensor} holds only its changes since another version. */
  public static boolean carriesChanges(Tensor tensor) {
    return !tensor.getChanged().isEmpty();
  }

  /**
   * Refuses a tensor that holds only its changes: it means something only to a holder of the
   * version they are counted from.
   */
  public static void requireNone(Tensor tensor) {
    if (carriesChanges(tensor)) {
      throw new IllegalArgumentException("tensor '" + tensor.getName()
          + "' carries only its changes since another version: only weights sent to a holder of that version may");
    }
  }

  /**
   * {@code now} as its changes since {@code base}, tensor by tensor; a tensor that would not shrink
   * goes whole. Both are whole tensors of one model in one dtype, in the same order.
   */
  public static List<Tensor> since(List<Tensor> base, List<Tensor> now) {
    List<Tensor> changes = new ArrayList<>(now.size());
    for (int t = 0; t < now.size(); t++) {
      changes.add(since(base.get(t), now.get(t)));
    }
    return changes;
  }

  /**
   * The whole tensors: {@code base} with {@code changes} written over it. A tensor of
   * {@code changes} without a {@code changed} bitmap is whole already.
   *
   * @throws IllegalArgumentException naming the tensor when the changes do not fit {@code base}:
   *     another name, shape or dtype, or a bitmap or byte count that does not match
   */
  public static List<Tensor> apply(List<Tensor> base, List<Tensor> changes) {
    if (base.size() != changes.size()) {
      throw new IllegalArgumentException(changes.size() + " tensors of changes for " + base.size() + " tensors held");
    }
    List<Tensor> whole = new ArrayList<>(changes.size());
    for (int t = 0; t < changes.size(); t++) {
      whole.add(apply(base.get(t), changes.get(t)));
    }
    return whole;
  }

  private static Tensor since(Tensor base, Tensor now) {
    if (base.getDtype() != now.getDtype() || base.getData().size() != now.getData().size()) {
      return now;
    }
    int width = WireDtypes.bytesPerValue(now.getDtype());
    int numel = now.getData().size() / width;
    byte[] bitmap = new byte[(numel + 7) / 8];
    byte[] kept = CHANGED.get().atLeast(now.getData().size());
    ByteBuffer was = base.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer is = now.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer out = ByteBuffer.wrap(kept).order(ByteOrder.LITTLE_ENDIAN);
    int count = width == Short.BYTES
        ? changedShorts(was.asShortBuffer(), is.asShortBuffer(), bitmap, out.asShortBuffer())
        : changedInts(was.asIntBuffer(), is.asIntBuffer(), bitmap, out.asIntBuffer());
    if ((long) count * width + bitmap.length >= (long) numel * width) {
      return now;
    }
    return now.toBuilder().setData(UnsafeByteOperations.unsafeWrap(Arrays.copyOf(kept, count * width)))
        .setChanged(UnsafeByteOperations.unsafeWrap(bitmap)).build();
  }

  /** Marks in {@code bitmap} the values of {@code now} that differ from {@code was}, puts them in {@code out}; returns how many. */
  private static int changedShorts(ShortBuffer was, ShortBuffer now, byte[] bitmap, ShortBuffer out) {
    short[] before = new short[CHUNK];
    short[] after = new short[CHUNK];
    short[] packed = new short[CHUNK];
    int count = 0;
    for (int from = 0; from < now.limit(); from += CHUNK) {
      int length = Math.min(CHUNK, now.limit() - from);
      was.get(from, before, 0, length);
      now.get(from, after, 0, length);
      int i = 0;
      int k = 0;
      if (VECTORS) {
        for (int upper = SHORTS.loopBound(length); i < upper; i += SHORTS.length()) {
          long mask = ShortVector.fromArray(SHORTS, before, i)
              .compare(VectorOperators.NE, ShortVector.fromArray(SHORTS, after, i)).toLong();
          for (long rest = mask; rest != 0; rest &= rest - 1) {
            packed[k++] = after[i + Long.numberOfTrailingZeros(rest)];
          }
          mark(bitmap, from + i, mask, SHORTS.length());
        }
      }
      for (; i < length; i++) {
        if (before[i] != after[i]) {
          bitmap[(from + i) >>> 3] |= (byte) (1 << ((from + i) & 7));
          packed[k++] = after[i];
        }
      }
      out.put(count, packed, 0, k);
      count += k;
    }
    return count;
  }

  /** {@link #changedShorts} for 4-byte values. */
  private static int changedInts(IntBuffer was, IntBuffer now, byte[] bitmap, IntBuffer out) {
    int[] before = new int[CHUNK];
    int[] after = new int[CHUNK];
    int[] packed = new int[CHUNK];
    int count = 0;
    for (int from = 0; from < now.limit(); from += CHUNK) {
      int length = Math.min(CHUNK, now.limit() - from);
      was.get(from, before, 0, length);
      now.get(from, after, 0, length);
      int i = 0;
      int k = 0;
      if (VECTORS) {
        for (int upper = INTS.loopBound(length); i < upper; i += INTS.length()) {
          long mask = IntVector.fromArray(INTS, before, i)
              .compare(VectorOperators.NE, IntVector.fromArray(INTS, after, i)).toLong();
          for (long rest = mask; rest != 0; rest &= rest - 1) {
            packed[k++] = after[i + Long.numberOfTrailingZeros(rest)];
          }
          mark(bitmap, from + i, mask, INTS.length());
        }
      }
      for (; i < length; i++) {
        if (before[i] != after[i]) {
          bitmap[(from + i) >>> 3] |= (byte) (1 << ((from + i) & 7));
          packed[k++] = after[i];
        }
      }
      out.put(count, packed, 0, k);
      count += k;
    }
    return count;
  }

  /** Writes the {@code lanes} bits of {@code mask} for the values from {@code value}, a multiple of 8. */
  private static void mark(byte[] bitmap, int value, long mask, int lanes) {
    for (int b = 0; b < lanes / 8; b++) {
      bitmap[(value >>> 3) + b] = (byte) (mask >>> (8 * b));
    }
  }

  private static Tensor apply(Tensor base, Tensor changes) {
    if (!changes.getName().equals(base.getName()) || !changes.getShapeList().equals(base.getShapeList())
        || changes.getDtype() != base.getDtype()) {
      throw new IllegalArgumentException("changes to tensor '" + changes.getName() + "' " + changes.getShapeList() + " in "
          + changes.getDtype() + " do not fit the tensor held, '" + base.getName() + "' " + base.getShapeList() + " in "
          + base.getDtype());
    }
    int width = WireDtypes.bytesPerValue(changes.getDtype());
    if (!carriesChanges(changes)) {
      if (changes.getData().size() != base.getData().size()) {
        throw new IllegalArgumentException("tensor '" + changes.getName() + "' holds " + changes.getData().size()
            + " bytes, not the " + base.getData().size() + " of the tensor held");
      }
      return changes;
    }
    long numel = base.getData().size() / width;
    ValueBitmaps.requireWhole(changes, "changed", changes.getChanged(), numel, width);
    byte[] bytes = base.getData().toByteArray();
    ByteBuffer target = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    // Sliced: a parsed message's bytes may start inside a larger buffer, and the gets below are absolute.
    ByteBuffer bitmap = changes.getChanged().asReadOnlyByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer values = changes.getData().asReadOnlyByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
    if (width == Short.BYTES) {
      short[] kept = new short[changes.getData().size() / width];
      values.asShortBuffer().get(0, kept);
      scatter(bitmap, kept.length, (value, k) -> target.putShort(value * Short.BYTES, kept[k]));
    } else {
      int[] kept = new int[changes.getData().size() / width];
      values.asIntBuffer().get(0, kept);
      scatter(bitmap, kept.length, (value, k) -> target.putInt(value * Integer.BYTES, kept[k]));
    }
    return changes.toBuilder().clearChanged().setData(UnsafeByteOperations.unsafeWrap(bytes)).build();
  }

  /** Where a changed value goes: the value's index, and its place among the values kept. */
  @FunctionalInterface
  private interface Put {
    void at(int value, int kept);
  }

  /** Calls {@code put} for each bit set in {@code bitmap}, in order. */
  private static void scatter(ByteBuffer bitmap, int count, Put put) {
    int k = 0;
    for (int at = 0; at < bitmap.limit() && k < count; at += Long.BYTES) {
      long bits = at + Long.BYTES <= bitmap.limit() ? bitmap.getLong(at) : tail(bitmap, at);
      for (; bits != 0; bits &= bits - 1) {
        put.at(at * 8 + Long.numberOfTrailingZeros(bits), k++);
      }
    }
  }

  /** The bitmap's last bytes, fewer than 8, from {@code at} as one little-endian long. */
  private static long tail(ByteBuffer bitmap, int at) {
    long bits = 0;
    for (int b = at; b < bitmap.limit(); b++) {
      bits |= (long) (bitmap.get(b) & 0xff) << (8 * (b - at));
    }
    return bits;
  }
}
