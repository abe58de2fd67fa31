package a3c.store;

import a3c.input.Quote;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The values the store accepts, in weights and gradients: finite, and no larger in magnitude than
 * {@link #MAX_ABS_VALUE}. One rule, checked as a max over floats' bits with the sign cleared, in
 * the shape the caller has its values in: ints (a relay's bits) or floats (the server's buffers).
 */
public final class FiniteValues {
  /** The largest magnitude accepted: squared, as Adam's and RMSprop's second moments square it, it stays finite in a float. */
  public static final float MAX_ABS_VALUE = 1e18f;
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
  /** {@link #MAX_ABS_VALUE}'s bits: a float's bits with the sign cleared above these are not accepted. */
  private static final int MAX_ABS_BITS = Float.floatToRawIntBits(MAX_ABS_VALUE);

  /**
   * The largest of {@code bits[0, length)} with the sign bit cleared. For floats' bits that orders
   * as their magnitudes do, with infinities above every finite value and NaNs above those, so
   * comparing it with {@link #MAX_ABS_BITS} is the test {@link #accepted} makes.
   */
  private static int largestMagnitudeBits(int[] bits, int length) {
    int largest = 0;
    for (int i = 0; i < length; i++) {
      largest = Math.max(largest, bits[i] & 0x7fffffff);
    }
    return largest;
  }

  /**
   * {@link #largestMagnitudeBits(int[], int)} over the bits of {@code values[from, to)}, a vector at
   * a time (C2 does not vectorise a loop that takes floats' bits).
   */
  private static int largestMagnitudeBits(float[] values, int from, int to) {
    IntVector largestVector = IntVector.zero(INTS);
    int i = from;
    for (int upper = from + FLOATS.loopBound(to - from); i < upper; i += FLOATS.length()) {
      largestVector = largestVector.max(FloatVector.fromArray(FLOATS, values, i).reinterpretAsInts().and(0x7fffffff));
    }
    int largest = largestVector.reduceLanes(VectorOperators.MAX);
    for (; i < to; i++) {
      largest = Math.max(largest, Float.floatToRawIntBits(values[i]) & 0x7fffffff);
    }
    return largest;
  }

  /**
   * Refuses the first of {@code bits[0, length)}, floats' bits (a chunk of a tensor's values from
   * index {@code from}, as a sender checks them before it encodes them), that is not
   * {@link #accepted}, in {@link #refused}'s words.
   */
  public static void requireBits(int[] bits, int length, String what, String tensor, int from) {
    if (largestMagnitudeBits(bits, length) <= MAX_ABS_BITS) {
      return;
    }
    int i = 0;
    while (i < length - 1 && accepted(Float.intBitsToFloat(bits[i]))) {
      i++;
    }
    throw refused(what, tensor, Float.intBitsToFloat(bits[i]), from + i);
  }

  /** Whether every value in {@code [from, to)} is {@link #accepted}. */
  static boolean allFinite(float[] values, int from, int to) {
    return largestMagnitudeBits(values, from, to) <= MAX_ABS_BITS;
  }

  /** Finite and within {@link #MAX_ABS_VALUE}; false for NaN, which fails every comparison. */
  public static boolean accepted(float value) {
    return Math.abs(value) <= MAX_ABS_VALUE;
  }

  /** Rejects NaN, infinities and values too large to square, naming the first tensor that holds one. */
  static void require(TensorLayout layout, float[] values, boolean[] present, String what) {
    for (int t = 0; t < layout.size(); t++) {
      if (present != null && !present[t]) {
        continue;
      }
      int end = layout.offset(t) + layout.numel(t);
      if (allFinite(values, layout.offset(t), end)) {
        continue;
      }
      throw refusedAmong(layout, values, layout.offset(t), end, layout.offset(t), what);
    }
  }

  /**
   * The refusal of the first value of {@code values[from, to)} that is not {@link #accepted}, where
   * {@code values[from]} is the flat model's value at {@code flatFrom}; the range must hold one.
   */
  static IllegalArgumentException refusedAmong(TensorLayout layout, float[] values, int from, int to, int flatFrom,
      String what) {
    int i = from;
    while (i < to - 1 && accepted(values[i])) {
      i++;
    }
    int tensor = layout.tensorAt(flatFrom + i - from);
    return refused(what, layout.name(tensor), values[i], flatFrom + i - from - layout.offset(tensor));
  }

  /** The refusal of a value that is not {@link #accepted}, in the words the server and the relay both use. */
  private static IllegalArgumentException refused(String what, String tensor, float value, int index) {
    return new IllegalArgumentException(what + " of tensor " + Quote.of(tensor) + " hold " + value + " at index " + index
        + ": only finite values within +-" + MAX_ABS_VALUE + " are accepted");
  }

  private FiniteValues() {}
}
