package a3c.relay;

import a3c.proto.DType;
import a3c.proto.Tensor;
import a3c.rpc.Tensors;
import a3c.rpc.WireDtypes;
import a3c.rpc.ZeroSkipping;
import a3c.shm.SharedGradients;
import a3c.store.FiniteValues;
import a3c.store.TensorLayout;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker's gradients, checked as the parameter server checks them (names, shapes, byte lengths,
 * finite values within {@link FiniteValues#MAX_ABS_VALUE}) before the relay forwards them: a bad
 * push is refused here, with the server's words, and never costs the link. Gradients in a
 * shared-memory file are copied out at once: the worker overwrites the file after the reply.
 */
final class GradientsCheck {
  /** Values checked and copied at a time: the chunk's arrays stay in L1. */
  private static final int CHUNK = 4096;

  private final Path sharedMemoryDir;
  private final Map<String, SharedGradients> files = new ConcurrentHashMap<>();
  /** Each forwarding thread's room for the values it keeps: a model-sized zeroed array a push costs more than the copy. */
  private final ThreadLocal<ZeroSkipping.Scratch> scratch = ThreadLocal.withInitial(ZeroSkipping.Scratch::new);

  GradientsCheck(Path sharedMemoryDir) {
    this.sharedMemoryDir = sharedMemoryDir;
  }

  /**
   * The gradients in a worker's shared-memory file, as tensors in {@code wire} without their zeros
   * ({@link ZeroSkipping}). One pass, a chunk at a time: the chunk's bits are copied out, checked
   * there, and written in the wire's dtype from the same copy, so what goes out is what was checked.
   */
  List<Tensor> fromFile(String name, TensorLayout layout, DType wire) {
    IntBuffer source = file(name, layout).values().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
    int[] bits = new int[CHUNK];
    ZeroSkipping.Scratch room = scratch.get();
    List<Tensor> tensors = new ArrayList<>(layout.size());
    for (int t = 0; t < layout.size(); t++) {
      ZeroSkipping.Encoder encoder = new ZeroSkipping.Encoder(layout.numel(t), wire, room);
      for (int from = layout.offset(t); from < layout.offset(t) + layout.numel(t); from += CHUNK) {
        int length = Math.min(CHUNK, layout.offset(t) + layout.numel(t) - from);
        source.get(from, bits, 0, length);
        if (FiniteValues.largestMagnitudeBits(bits, length) > FiniteValues.MAX_ABS_BITS) {
          throw refusal(bits, length, from, layout);
        }
        encoder.add(bits, length);
      }
      tensors.add(encoder.tensor(layout.name(t), layout.shape(t)));
    }
    return tensors;
  }

  /** The refusal of the first value in a chunk of the flat model that is not accepted. */
  private static IllegalArgumentException refusal(int[] bits, int length, int from, TensorLayout layout) {
    int i = 0;
    while (i < length - 1 && FiniteValues.accepted(Float.intBitsToFloat(bits[i]))) {
      i++;
    }
    int t = tensorAt(layout, from + i);
    return FiniteValues.refused("gradients", layout.name(t), Float.intBitsToFloat(bits[i]), from + i - layout.offset(t));
  }

  /**
   * Gradients sent in the request, once each has passed, as tensors in {@code wire} without their
   * zeros ({@link ZeroSkipping}).
   */
  List<Tensor> listed(List<Tensor> tensors, TensorLayout layout, DType wire) {
    layout.checkPush(tensors);
    List<Tensor> float32 = WireDtypes.as(tensors, DType.DTYPE_FLOAT32);
    for (Tensor tensor : float32) {
      requireFinite(Tensors.asFloats(tensor.getData()), layout, layout.indexOf(tensor.getName()));
    }
    return ZeroSkipping.encode(float32, wire);
  }

  /**
   * Checks every value of one tensor by the server's rule ({@link FiniteValues#accepted}); the
   * values are little-endian bytes here, not the server's decoded floats, hence a loop of its own.
   */
  private static void requireFinite(FloatBuffer values, TensorLayout layout, int tensor) {
    float largest = 0f;
    for (int i = 0; i < values.limit(); i++) {
      // A max reduction, which C2 vectorises; NaN survives Math.max.
      largest = Math.max(largest, Math.abs(values.get(i)));
    }
    if (FiniteValues.accepted(largest)) {
      return;
    }
    for (int i = 0; i < values.limit(); i++) {
      if (!FiniteValues.accepted(values.get(i))) {
        throw FiniteValues.refused("gradients", layout.name(tensor), values.get(i), i);
      }
    }
  }

  private static int tensorAt(TensorLayout layout, int flatIndex) {
    int t = 0;
    while (t + 1 < layout.size() && layout.offset(t + 1) <= flatIndex) {
      t++;
    }
    return t;
  }

  private SharedGradients file(String name, TensorLayout layout) {
    SharedGradients file = files.computeIfAbsent(name, key -> {
      try {
        return SharedGradients.open(sharedMemoryDir, key, layout.totalSize());
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot open shared gradients file " + key + ": " + e.getMessage());
      }
    });
    if (file.values().remaining() != layout.totalSize() * Float.BYTES) {
      files.remove(name);
      throw new IllegalArgumentException("shared gradients file " + name + " no longer fits the model");
    }
    return file;
  }
}
