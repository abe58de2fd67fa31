package a3c.model;

import java.util.Arrays;

/** One named parameter tensor, named and shaped as in a PyTorch state_dict. */
public record ParameterSpec(String name, long[] shape) {

  public ParameterSpec {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  public int elementCount() {
    long count = 1;
    for (long dimension : shape) {
      count *= dimension;
    }
    return Math.toIntExact(count);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ParameterSpec spec && name.equals(spec.name) && Arrays.equals(shape, spec.shape);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
