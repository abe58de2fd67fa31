package a3c.store;

import a3c.optim.ParallelStep;
import a3c.proto.Tensor;
import a3c.rpc.WireDtypes;
import a3c.shm.SharedWeights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.List;

/**
 * What one pass copies out of each chunk of the new weights right after the step, while the chunk
 * is still in cache: into the shared-memory slot of the workers on this host, and rounded to
 * bfloat16 when a push of the pass asked for its weights so (rounding them after the step would
 * read the whole model back from memory). Chunks of one pass are disjoint and may come from
 * several threads at once.
 */
final class ChunkCopies implements ParallelStep.SliceDone {
  private final float[] weights;
  /** The slot being written, or null when no worker on this host reads the weights from shared memory. */
  private final SharedWeights.Writing slot;
  /** The weights in bfloat16, little-endian, all tensors one after another; null when no push asked for them. */
  private final byte[] bfloat16;
  private final ShortBuffer bfloat16Values;

  ChunkCopies(float[] weights, SharedWeights.Writing slot, boolean bfloat16) {
    this.weights = weights;
    this.slot = slot;
    this.bfloat16 = bfloat16 ? new byte[weights.length * Short.BYTES] : null;
    this.bfloat16Values = bfloat16 ? ByteBuffer.wrap(this.bfloat16).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer() : null;
  }

  @Override
  public void accept(int from, int to) {
    if (slot != null) {
      slot.put(weights, from, to);
    }
    if (bfloat16Values != null) {
      WireDtypes.toBfloat16(weights, from, to, bfloat16Values, from);
    }
  }

  /** Once every chunk is copied: makes the slot's version the one workers read. */
  void finish() {
    if (slot != null) {
      slot.finish();
    }
  }

  /** The pass's weights in bfloat16, as tensors of {@code layout} over the bytes copied; the pass must have asked for them. */
  List<Tensor> bfloat16(TensorLayout layout) {
    return layout.bfloat16Tensors(bfloat16);
  }
}
