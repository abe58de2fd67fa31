package a3c.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The parameter tensors of one network, each in a direct little-endian buffer, as the wire holds them.
 *
 * <p>Plain memory, so that the {@link Engine#JAVA} networks never start libtorch; the
 * {@link Engine#DJL} networks wrap the same buffers as tensors without copying
 * ({@link DjlActorCritic}), so loading weights is a plain memory copy for both (measured ~0.06 ms
 * per million floats, where {@code NDArray.set} of a heap buffer cost milliseconds).
 */
final class Weights {

  private final List<ParameterSpec> specs;
  private final List<Init> inits;
  private final List<ByteBuffer> buffers = new ArrayList<>();
  private final List<FloatBuffer> floats = new ArrayList<>();

  Weights(List<ParameterSpec> specs, List<Init> inits) {
    this(specs, inits, specs.stream().map(Weights::allocate).toList());
  }

  /** Over buffers the caller allocated with {@link #allocate}, one per spec. */
  Weights(List<ParameterSpec> specs, List<Init> inits, List<ByteBuffer> buffers) {
    if (inits.size() != specs.size() || buffers.size() != specs.size()) {
      throw new IllegalArgumentException(specs.size() + " parameters, " + inits.size() + " initializers, "
          + buffers.size() + " buffers");
    }
    this.specs = List.copyOf(specs);
    this.inits = List.copyOf(inits);
    for (ByteBuffer buffer : buffers) {
      this.buffers.add(buffer);
      floats.add(buffer.asFloatBuffer());
    }
  }

  /** A zeroed direct little-endian buffer for one parameter. */
  static ByteBuffer allocate(ParameterSpec spec) {
    return ByteBuffer.allocateDirect(spec.elementCount() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
  }

  List<ParameterSpec> specs() {
    return specs;
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
