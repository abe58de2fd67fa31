package a3c.store;

import a3c.optim.GradientChunks;
import java.nio.FloatBuffer;

/**
 * A push's gradients where a worker on this host wrote them, its shared-memory file, read by the
 * step itself a chunk at a time and checked in the step's scratch array: the server reads the
 * file once, and no copy of it crosses memory. Neither side writes the file meanwhile: its worker
 * waits for the reply, which comes after the step.
 */
final class FileGradients implements GradientChunks {
  private final FloatBuffer values;
  private final TensorLayout layout;
  private final String file;
  private final Runnable onShrunk;

  /**
   * @param values the file's floats in layout order
   * @param onShrunk called when the file turns out shorter than its mapping while it is read
   */
  FileGradients(FloatBuffer values, TensorLayout layout, String file, Runnable onShrunk) {
    this.values = values;
    this.layout = layout;
    this.file = file;
    this.onShrunk = onShrunk;
  }

  @Override
  public void read(int from, int to, float[] into) {
    try {
      values.get(from, into, 0, to - from);
    } catch (InternalError e) {
      // A read of a mapped page that a truncation removed (SIGBUS) comes out as an InternalError.
      onShrunk.run();
      throw new IllegalArgumentException("shared gradients file " + file + " shrank while the server read it");
    }
    if (!FiniteValues.allFinite(into, 0, to - from)) {
      throw FiniteValues.refusedAmong(layout, into, to - from, "gradients", from);
    }
  }
}
