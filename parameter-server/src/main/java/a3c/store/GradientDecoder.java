package a3c.store;

import a3c.optim.GradientChunks;
import a3c.proto.Tensor;
import a3c.rpc.WireDtypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Turns pushes into gradients the step can read, on the callers' threads (many gRPC threads at
 * once): decoded and checked into model-sized buffers, or left in a worker's shared-memory file
 * ({@link FileGradients}); and takes the buffers back once the applier is done with them.
 */
final class GradientDecoder {
  private final TensorLayout layout;
  private final LongAdder serverNanos;
  /**
   * Decoded pushes' buffers, reused. Unbounded on purpose: it holds at most as many as were ever in
   * flight at once, about one per worker, whereas a fixed cap below the worker count would allocate
   * (and collect) a model-sized array per push once more workers wait than it holds.
   */
  private final Queue<float[]> pool = new ConcurrentLinkedQueue<>();

  /** @param serverNanos where the time spent decoding is added */
  GradientDecoder(TensorLayout layout, LongAdder serverNanos) {
    this.layout = layout;
    this.serverNanos = serverNanos;
  }

  /** See {@link ParameterStore#decode}. */
  Gradients decode(List<Tensor> tensors) {
    long start = System.nanoTime();
    boolean[] present = layout.checkPush(tensors);
    float[] values = buffer();
    for (Tensor tensor : tensors) {
      WireDtypes.decode(tensor, values, layout.offset(layout.indexOf(tensor.getName())));
    }
    return finiteOrRejected(values, present, start);
  }

  /**
   * See {@link ParameterStore#sharedGradients}: the file's values copied into a pooled buffer and
   * checked now when {@code copyNow}, else left in the file.
   */
  Gradients inFile(ByteBuffer littleEndianFloats, String file, Runnable onShrunk, boolean copyNow) {
    if (littleEndianFloats.remaining() != layout.totalSize() * Float.BYTES) {
      throw new IllegalArgumentException("shared gradients hold " + littleEndianFloats.remaining() + " bytes, the model needs "
          + (long) layout.totalSize() * Float.BYTES);
    }
    boolean[] all = new boolean[layout.size()];
    Arrays.fill(all, true);
    Gradients inFile = new Gradients(new FileGradients(littleEndianFloats.duplicate().order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer(), layout, file, onShrunk), all, null);
    if (!copyNow) {
      return inFile;
    }
    long start = System.nanoTime();
    Gradients copied = copied(inFile);
    serverNanos.add(System.nanoTime() - start);
    return copied;
  }

  /**
   * Gradients left in a file, copied into a pooled buffer and checked there. Untimed: on the
   * applier, the pass's own time already holds it.
   *
   * @throws IllegalArgumentException a value is not accepted, or the file shrank
   */
  Gradients copied(Gradients inFile) {
    float[] buffer = buffer();
    try {
      ((FileGradients) inFile.chunks).copyAll(buffer);
    } catch (IllegalArgumentException e) {
      pool.offer(buffer);
      throw e;
    }
    return new Gradients(GradientChunks.checked(buffer), inFile.present, buffer);
  }

  /** Takes back a buffer the applier is done with. */
  void release(float[] values) {
    pool.offer(values);
  }

  private float[] buffer() {
    float[] values = pool.poll();
    return values != null ? values : new float[layout.totalSize()];
  }

  /** The decoded push, once every value in it is finite; otherwise the buffer goes back and the push is refused. */
  private Gradients finiteOrRejected(float[] values, boolean[] present, long start) {
    try {
      FiniteValues.require(layout, values, present, "gradients");
    } catch (IllegalArgumentException e) {
      pool.offer(values);
      throw e;
    }
    serverNanos.add(System.nanoTime() - start);
    return new Gradients(GradientChunks.checked(values), present, values);
  }
}
