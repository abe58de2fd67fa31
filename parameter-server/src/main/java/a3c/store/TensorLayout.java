package a3c.store;

import a3c.input.Quote;
import a3c.proto.DType;
import a3c.proto.Tensor;
import a3c.proto.TensorSpec;
import a3c.rpc.Tensors;
import a3c.rpc.WeightChanges;
import a3c.rpc.WireDtypes;
import a3c.rpc.ZeroSkipping;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The names and shapes of a model's tensors, and where each lives in one flat float array.
 *
 * <p>The server knows nothing about layers: a model is whatever list of tensors the first worker
 * uploaded (or the checkpoint held).
 */
public final class TensorLayout {
  private final String[] names;
  private final long[][] shapes;
  private final int[] offsets;
  private final int[] sizes;
  private final int totalSize;
  private final Map<String, Integer> indexByName;

  private TensorLayout(String[] names, long[][] shapes) {
    this.names = names;
    this.shapes = shapes;
    this.offsets = new int[names.length];
    this.sizes = new int[names.length];
    this.indexByName = new HashMap<>();
    long total = 0;
    for (int t = 0; t < names.length; t++) {
      if (names[t].isEmpty()) {
        throw new IllegalArgumentException("tensor #" + t + " has no name");
      }
      if (indexByName.put(names[t], t) != null) {
        throw new IllegalArgumentException("tensor " + Quote.of(names[t]) + " appears twice");
      }
      long size = numel(names[t], shapes[t]);
      offsets[t] = (int) total;
      sizes[t] = (int) size;
      total += size;
      if (total > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("model has more than 2^31 parameters");
      }
    }
    if (names.length == 0) {
      throw new IllegalArgumentException("a model needs at least one tensor");
    }
    this.totalSize = (int) total;
  }

  /** The layout of the given tensors, in their order; checks that each tensor's bytes fit its shape. */
  public static TensorLayout of(List<Tensor> tensors) {
    String[] names = new String[tensors.size()];
    long[][] shapes = new long[tensors.size()][];
    for (int t = 0; t < names.length; t++) {
      Tensor tensor = tensors.get(t);
      names[t] = tensor.getName();
      shapes[t] = Tensors.shape(tensor);
    }
    TensorLayout layout = new TensorLayout(names, shapes);
    for (int t = 0; t < names.length; t++) {
      layout.requireBytes(t, tensors.get(t));
    }
    return layout;
  }

  public int size() {
    return names.length;
  }

  public String name(int tensor) {
    return names[tensor];
  }

  public long[] shape(int tensor) {
    return shapes[tensor].clone();
  }

  public int offset(int tensor) {
    return offsets[tensor];
  }

  public int numel(int tensor) {
    return sizes[tensor];
  }

  /** The tensor that holds flat index {@code index}, which must be inside the model. */
  public int tensorAt(int index) {
    int t = 0;
    while (offsets[t] + sizes[t] <= index) {
      t++;
    }
    return t;
  }

  /** The number of floats in the whole model. */
  public int totalSize() {
    return totalSize;
  }

  public int[] sizes() {
    return sizes.clone();
  }

  /** The tensor's index, or -1 when the model has no tensor of that name. */
  public int indexOf(String name) {
    Integer index = indexByName.get(name);
    return index == null ? -1 : index;
  }

  /** Whether a shape given on the wire equals this tensor's. */
  public boolean shapeEquals(int tensor, List<Long> shape) {
    if (shape.size() != shapes[tensor].length) {
      return false;
    }
    for (int d = 0; d < shapes[tensor].length; d++) {
      if (shape.get(d) != shapes[tensor][d]) {
        return false;
      }
    }
    return true;
  }

  /** Checks a worker's model against this one; returns a description of the first difference, or null. */
  public String difference(List<TensorSpec> specs) {
    if (specs.size() != names.length) {
      return "the worker's model has " + specs.size() + " tensors, the server's has " + names.length;
    }
    for (TensorSpec spec : specs) {
      int t = indexOf(spec.getName());
      if (t < 0) {
        return "the server's model has no tensor " + Quote.of(spec.getName());
      }
      if (!shapeEquals(t, spec.getShapeList())) {
        return "tensor " + Quote.of(spec.getName()) + " has shape " + Quote.shape(spec.getShapeList()) + " in the worker but "
            + Quote.shape(shapes[t]) + " on the server";
      }
    }
    return null;
  }

  /**
   * Checks a push's tensors against this layout (known names, each once, the model's shapes, byte
   * lengths for their dtype) and returns which of the model's tensors it carries.
   *
   * @throws IllegalArgumentException naming the first tensor that does not fit
   */
  public boolean[] checkPush(List<Tensor> tensors) {
    if (tensors.isEmpty()) {
      throw new IllegalArgumentException("the push carries no gradients");
    }
    boolean[] present = new boolean[names.length];
    for (Tensor tensor : tensors) {
      int t = indexOf(tensor.getName());
      if (t < 0) {
        throw new IllegalArgumentException("unknown tensor " + Quote.of(tensor.getName()) + ": the model has no tensor of that name");
      }
      if (present[t]) {
        throw new IllegalArgumentException("tensor " + Quote.of(tensor.getName()) + " appears twice in the push");
      }
      present[t] = true;
      if (!shapeEquals(t, tensor.getShapeList())) {
        throw new IllegalArgumentException("tensor " + Quote.of(tensor.getName()) + " has shape " + Quote.shape(tensor.getShapeList())
            + " but the model's is " + Quote.shape(shapes[t]));
      }
      requireBytes(t, tensor);
    }
    return present;
  }

  /** Checks that {@code tensor}'s bytes are this tensor's values in its dtype (float32 or bfloat16), zeros skipped or not. */
  void requireBytes(int t, Tensor tensor) {
    WeightChanges.requireNone(tensor);
    if (ZeroSkipping.skipsZeros(tensor)) {
      ZeroSkipping.requireWhole(tensor, sizes[t], WireDtypes.bytesPerValue(tensor.getDtype()));
      return;
    }
    long needed = (long) sizes[t] * WireDtypes.bytesPerValue(tensor.getDtype());
    if (needed != tensor.getData().size()) {
      throw new IllegalArgumentException("tensor " + Quote.of(names[t]) + " of shape " + Quote.shape(shapes[t])
          + " needs " + needed + " bytes, got " + tensor.getData().size());
    }
  }

  private static long numel(String name, long[] shape) {
    long count = 1;
    for (long dim : shape) {
      if (dim <= 0) {
        throw new IllegalArgumentException("tensor " + Quote.of(name) + " has shape " + Quote.shape(shape)
            + ": every dimension must be positive");
      }
      if (dim > Integer.MAX_VALUE / count) {
        throw new IllegalArgumentException("tensor " + Quote.of(name) + " of shape " + Quote.shape(shape) + " is too large");
      }
      count *= dim;
    }
    return count;
  }

  /** The model's tensors in bfloat16 over {@code bytes}, all values one after another as little-endian shorts, not copied. */
  public List<Tensor> bfloat16Tensors(byte[] bytes) {
    List<Tensor> tensors = new ArrayList<>(size());
    for (int t = 0; t < size(); t++) {
      tensors.add(Tensors.of(name(t), shape(t), UnsafeByteOperations.unsafeWrap(bytes, offset(t) * Short.BYTES,
          numel(t) * Short.BYTES)).toBuilder().setDtype(DType.DTYPE_BFLOAT16).build());
    }
    return List.copyOf(tensors);
  }

  /** {@code values}, laid out as this model, as tensors in {@code dtype}: over one new little-endian array for float32. */
  public List<Tensor> tensors(float[] values, DType dtype) {
    List<Tensor> tensors = new ArrayList<>(size());
    if (dtype == DType.DTYPE_BFLOAT16) {
      for (int t = 0; t < size(); t++) {
        tensors.add(WireDtypes.encodeBfloat16(name(t), shape(t), values, offset(t), numel(t)));
      }
      return List.copyOf(tensors);
    }
    byte[] bytes = new byte[Math.multiplyExact(totalSize(), Float.BYTES)];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
    for (int t = 0; t < size(); t++) {
      tensors.add(Tensors.of(name(t), shape(t),
          UnsafeByteOperations.unsafeWrap(bytes, offset(t) * Float.BYTES, numel(t) * Float.BYTES)));
    }
    return List.copyOf(tensors);
  }
}
