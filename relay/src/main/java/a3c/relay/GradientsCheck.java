package a3c.relay;

import a3c.proto.DType;
import a3c.proto.Tensor;
import a3c.rpc.WireDtypes;
import a3c.rpc.ZeroSkipping;
import a3c.shm.SharedGradients;
import a3c.store.FiniteValues;
import a3c.store.TensorLayout;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker's gradients, checked as the parameter server checks them (names, shapes, byte lengths,
 * finite values within {@link FiniteValues#MAX_ABS_VALUE}, by the server's own loop) before the
 * relay forwards them: a bad push is refused here, with the server's words, and never costs the
 * link. Gradients in a shared-memory file are copied out at once: the worker overwrites the file
 * after the reply.
 */
final class GradientsCheck {
  private final Path sharedMemoryDir;
  private final Map<String, SharedGradients> files = new ConcurrentHashMap<>();
  /** Each forwarding thread's room for the values it keeps: a model-sized zeroed array a push costs more than the copy. */
  private final ThreadLocal<ZeroSkipping.Scratch> scratch = ThreadLocal.withInitial(ZeroSkipping.Scratch::new);

  GradientsCheck(Path sharedMemoryDir) {
    this.sharedMemoryDir = sharedMemoryDir;
  }

  /**
   * The gradients in a worker's shared-memory file, as tensors in {@code wire} without their zeros
   * ({@link ZeroSkipping}).
   */
  List<Tensor> fromFile(String name, TensorLayout layout, DType wire) {
    IntBuffer source = file(name, layout).values().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
    List<Tensor> tensors = new ArrayList<>(layout.size());
    for (int t = 0; t < layout.size(); t++) {
      tensors.add(encoded(source.slice(layout.offset(t), layout.numel(t)), layout, t, wire));
    }
    return tensors;
  }

  /**
   * Gradients sent in the request, once each has passed, as tensors in {@code wire} without their
   * zeros ({@link ZeroSkipping}).
   */
  List<Tensor> listed(List<Tensor> tensors, TensorLayout layout, DType wire) {
    layout.checkPush(tensors);
    List<Tensor> encoded = new ArrayList<>(tensors.size());
    for (Tensor tensor : WireDtypes.as(tensors, DType.DTYPE_FLOAT32)) {
      IntBuffer values = tensor.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
      encoded.add(encoded(values, layout, layout.indexOf(tensor.getName()), wire));
    }
    return encoded;
  }

  /** Tensor {@code t}'s float32 bits, each chunk checked as the server checks it and encoded from the copy checked. */
  private Tensor encoded(IntBuffer values, TensorLayout layout, int t, DType wire) {
    return ZeroSkipping.encode(values, layout.name(t), layout.shape(t), wire, scratch.get(),
        (bits, length, from) -> FiniteValues.requireBits(bits, length, "gradients", layout.name(t), from));
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
