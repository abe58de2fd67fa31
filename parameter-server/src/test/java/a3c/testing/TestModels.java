package a3c.testing;

import a3c.proto.Tensor;
import a3c.rpc.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Tensor lists shaped like real models, for tests and benchmarks of the parameter server. */
public final class TestModels {
  /** A small model: two tensors. */
  public static final String[] SMALL_NAMES = {"w", "b"};
  public static final long[][] SMALL_SHAPES = {{2, 3}, {3}};

  private TestModels() {}

  /** Tensors of the given layout with values from a seeded uniform [-scale, scale). */
  public static List<Tensor> random(String[] names, long[][] shapes, long seed, float scale) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Tensor> tensors = new ArrayList<>();
    for (int t = 0; t < names.length; t++) {
      float[] values = new float[numel(shapes[t])];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
      }
      tensors.add(Tensors.encode(names[t], shapes[t], values, 0, values.length));
    }
    return tensors;
  }

  /** Tensors of the given layout, every value equal to {@code value}. */
  public static List<Tensor> constant(String[] names, long[][] shapes, float value) {
    List<Tensor> tensors = new ArrayList<>();
    for (int t = 0; t < names.length; t++) {
      float[] values = new float[numel(shapes[t])];
      java.util.Arrays.fill(values, value);
      tensors.add(Tensors.encode(names[t], shapes[t], values, 0, values.length));
    }
    return tensors;
  }

  public static int numel(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      count *= dim;
    }
    return Math.toIntExact(count);
  }
}
