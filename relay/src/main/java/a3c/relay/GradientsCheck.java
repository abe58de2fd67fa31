package a3c.relay;

import a3c.proto.Tensor;
import a3c.rpc.Tensors;
import a3c.shm.SharedGradients;
import a3c.store.FiniteValues;
import a3c.store.TensorLayout;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
  private final Path sharedMemoryDir;
  private final Map<String, SharedGradients> files = new ConcurrentHashMap<>();

  GradientsCheck(Path sharedMemoryDir) {
    this.sharedMemoryDir = sharedMemoryDir;
  }

  /** The gradients in a worker's shared-memory file, as tensors over one new array. */
  List<Tensor> fromFile(String name, TensorLayout layout) {
    ByteBuffer source = file(name, layout).values();
    byte[] bytes = new byte[source.remaining()];
    source.get(bytes);
    requireFinite(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer(), layout, null);
    List<Tensor> tensors = new ArrayList<>(layout.size());
    for (int t = 0; t < layout.size(); t++) {
      tensors.add(Tensors.of(layout.name(t), layout.shape(t),
          UnsafeByteOperations.unsafeWrap(bytes, layout.offset(t) * Float.BYTES, layout.numel(t) * Float.BYTES)));
    }
    return tensors;
  }

  /** Gradients sent in the request, as they came, once each has passed. */
  List<Tensor> listed(List<Tensor> tensors, TensorLayout layout) {
    layout.checkPush(tensors);
    for (Tensor tensor : tensors) {
      requireFinite(Tensors.asFloats(tensor.getData()), layout, layout.indexOf(tensor.getName()));
    }
    return tensors;
  }

  /**
   * Checks every value of one tensor ({@code only}) or, for null, of the whole model laid out in
   * order, by the server's rule ({@link FiniteValues#accepted}); the values are little-endian bytes
   * here, not the server's decoded floats, hence a loop of its own.
   */
  private static void requireFinite(FloatBuffer values, TensorLayout layout, Integer only) {
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
        int t = only != null ? only : tensorAt(layout, i);
        throw FiniteValues.refused("gradients", layout.name(t), values.get(i), only != null ? i : i - layout.offset(t));
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
