package a3c.input;

import java.util.Arrays;
import java.util.List;

/**
 * Values from the wire as error messages quote them: whole when short, else a prefix and the
 * length. A status description travels in the reply's trailers, and a client stops reading a
 * connection whose trailers pass its limit (8 KiB in grpc-java): it would see a deadline instead
 * of the refusal, and every other call on that connection would stall.
 */
public final class Quote {
  static final int MAX_CHARS = 64;
  static final int MAX_DIMENSIONS = 8;

  private Quote() {}

  /** {@code 'value'}, or {@code 'first 64 chars...' (N chars)}. */
  public static String of(String value) {
    if (value.length() <= MAX_CHARS) {
      return "'" + value + "'";
    }
    return "'" + value.substring(0, MAX_CHARS) + "...' (" + value.length() + " chars)";
  }

  /** {@link #shape(List)} of a shape held as an array. */
  public static String shape(long[] shape) {
    return shape(Arrays.stream(shape).boxed().toList());
  }

  /** {@code [2, 3]}, or the first 8 dimensions and how many there are. */
  public static String shape(List<Long> shape) {
    if (shape.size() <= MAX_DIMENSIONS) {
      return shape.toString();
    }
    String first = shape.subList(0, MAX_DIMENSIONS).toString();
    return first.substring(0, first.length() - 1) + ", ...] (" + shape.size() + " dimensions)";
  }
}
