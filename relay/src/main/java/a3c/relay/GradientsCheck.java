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
   * ({@link ZeroSkipping}).
   */
  List<Tensor> fromFile(String name, TensorLayout layout, DType wire) {
    IntBuffer source = file(name, layout).values().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
    int[] bits = new int[CHUNK];
    List<Tensor> tensors = new ArrayList<>(layout.size());
    for (int t = 0; t < layout.size(); t++) {
      tensors.add(encoded(source.slice(layout.offset(t), layout.numel(t)), layout, t, wire, bits));
    }
    return tensors;
  }

  /**
   * Gradients sent in the request, once each has passed, as tensors in {@code wire} without their
   * zeros ({@link ZeroSkipping}).
   */
  List<Tensor> listed(List<Tensor> tensors, TensorLayout layout, DType wire) {
    layout.checkPush(tensors);
    int[] bits = new int[CHUNK];
    List<Tensor> encoded = new ArrayList<>(tensors.size());
    for (Tensor tensor : WireDtypes.as(tensors, DType.DTYPE_FLOAT32)) {
      IntBuffer values = tensor.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
      encoded.add(encoded(values, layout, layout.indexOf(tensor.getName()), wire, bits));
    }
    return encoded;
  }

  /**
   * Tensor {@code t}'s float32 bits in one pass, a chunk at a time: the chunk is copied out,
   * checked there, and written in the wire's dtype from the same copy, so what goes out is what was
   * checked (a worker may write its file again meanwhile).
   */
  private Tensor encoded(IntBuffer values, TensorLayout layout, int t, DType wire, int[] bits) {
    ZeroSkipping.Encoder encoder = new ZeroSkipping.Encoder(layout.numel(t), wire, scratch.get());
    for (int from = 0; from < layout.numel(t); from += CHUNK) {
      int length = Math.min(CHUNK, layout.numel(t) - from);
      values.get(from, bits, 0, length);
      if (FiniteValues.largestMagnitudeBits(bits, length) > FiniteValues.MAX_ABS_BITS) {
        int i = 0;
        while (i < length - 1 && FiniteValues.accepted(Float.intBitsToFloat(bits[i]))) {
          i++;
        }
        throw FiniteValues.refused("gradients", layout.name(t), Float.intBitsToFloat(bits[i]), from + i);
      }
      encoder.add(bits, length);
    }
    return encoder.tensor(layout.name(t), layout.shape(t));
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
