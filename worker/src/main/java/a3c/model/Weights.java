package a3c.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The parameter tensors of one network, each aliasing a direct little-endian buffer we own.
 *
 * <p>DJL's {@code create(directBuffer)} wraps the memory without copying, so loading weights is a
 * plain memory copy into those buffers (measured ~0.06 ms per million floats), where
 * {@code NDArray.set} of a heap buffer or {@code toByteBuffer} cost milliseconds.
 */
final class Weights {

  /** How a parameter is drawn by {@link #initialize}. */
  enum Init { KAIMING_NORMAL, XAVIER_UNIFORM, ZERO }

  private final List<ParameterSpec> specs;
  private final List<Init> inits;
  private final List<ByteBuffer> buffers = new ArrayList<>();
  private final List<FloatBuffer> floats = new ArrayList<>();
  private final List<NDArray> arrays = new ArrayList<>();

  Weights(NDManager manager, List<ParameterSpec> specs, List<Init> inits) {
    this.specs = List.copyOf(specs);
    this.inits = List.copyOf(inits);
    for (ParameterSpec spec : specs) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(spec.elementCount() * Float.BYTES)
          .order(ByteOrder.LITTLE_ENDIAN);
      NDArray array = manager.create(buffer, new Shape(spec.shape()), DataType.FLOAT32);
      array.setRequiresGradient(true);
      buffers.add(buffer);
      floats.add(buffer.asFloatBuffer());
      arrays.add(array);
    }
  }

  List<ParameterSpec> specs() {
    return specs;
  }

  List<NDArray> arrays() {
    return arrays;
  }

  NDArray get(int index) {
    return arrays.get(index);
  }

  /** The values of parameter {@code index}, for plain-Java reads by absolute index; shares the tensor's memory. */
  FloatBuffer floats(int index) {
    return floats.get(index);
  }

  void load(List<ByteBuffer> weights) {
    if (weights.size() != specs.size()) {
      throw new IllegalArgumentException(
          "expected " + specs.size() + " weight tensors, got " + weights.size());
    }
    for (int i = 0; i < specs.size(); i++) {
      ByteBuffer source = weights.get(i);
      int expected = specs.get(i).elementCount() * Float.BYTES;
      if (source.remaining() != expected) {
        throw new IllegalArgumentException(specs.get(i).name() + ": expected " + expected
            + " bytes for shape " + specs.get(i) + ", got " + source.remaining());
      }
    }
    for (int i = 0; i < specs.size(); i++) {
      // duplicate(): leave the caller's position alone; bytes are copied as-is (both sides LE).
      buffers.get(i).clear().put(weights.get(i).duplicate()).clear();
    }
  }

  List<ByteBuffer> export() {
    List<ByteBuffer> copies = new ArrayList<>(buffers.size());
    for (ByteBuffer buffer : buffers) {
      ByteBuffer copy = ByteBuffer.allocate(buffer.capacity()).order(ByteOrder.LITTLE_ENDIAN);
      copy.put(buffer.duplicate().clear()).flip();
      copies.add(copy);
    }
    return copies;
  }

  void initialize(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < specs.size(); i++) {
      long[] shape = specs.get(i).shape();
      FloatBuffer values = buffers.get(i).asFloatBuffer();
      int count = values.capacity();
      switch (inits.get(i)) {
        case ZERO -> {
          for (int k = 0; k < count; k++) {
            values.put(k, 0f);
          }
        }
        case KAIMING_NORMAL -> {
          // torch.nn.init.kaiming_normal_ defaults: fan_in mode, ReLU gain sqrt(2).
          double std = Math.sqrt(2.0 / fanIn(shape));
          for (int k = 0; k < count; k++) {
            values.put(k, (float) (random.nextGaussian() * std));
          }
        }
        case XAVIER_UNIFORM -> {
          double bound = Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)));
          for (int k = 0; k < count; k++) {
            values.put(k, (float) ((2 * random.nextDouble() - 1) * bound));
          }
        }
      }
    }
  }

  /** PyTorch's fan-in: input channels times the receptive field. */
  static long fanIn(long[] shape) {
    return shape.length == 1 ? shape[0] : shape[1] * receptiveField(shape);
  }

  static long fanOut(long[] shape) {
    return shape[0] * receptiveField(shape);
  }

  private static long receptiveField(long[] shape) {
    long field = 1;
    for (int d = 2; d < shape.length; d++) {
      field *= shape[d];
    }
    return field;
  }
}
