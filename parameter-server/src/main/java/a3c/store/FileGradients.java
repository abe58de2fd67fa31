package a3c.store;

import a3c.optim.GradientChunks;
import java.nio.FloatBuffer;

/**
 * A push's gradients where a worker on this host wrote them, its shared-memory file, checked as
 * they are read: by the step itself a chunk at a time into its scratch array ({@link #read}), so
 * that a busy server reads the file once and no copy of it crosses memory, or whole into a buffer
 * before the step ({@link #copyAll}), where passes are too small to pay for the step's undo. Its
 * worker does not write the file meanwhile: it waits for the reply, which comes after the step.
 */
final class FileGradients implements GradientChunks {
  /** Floats copied and then checked while in L1, by {@link #copyAll}. */
  private static final int L1_CHUNK = 4096;

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
    copy(from, to, into, 0);
    if (!FiniteValues.allFinite(into, 0, to - from)) {
      throw FiniteValues.refusedAmong(layout, into, 0, to - from, from, "gradients");
    }
  }

  /** Copies the whole file into {@code buffer}, laid out like the model, checking it as it goes. */
  void copyAll(float[] buffer) {
    for (int from = 0; from < buffer.length; from += L1_CHUNK) {
      int to = Math.min(buffer.length, from + L1_CHUNK);
      copy(from, to, buffer, from);
      if (!FiniteValues.allFinite(buffer, from, to)) {
        throw FiniteValues.refusedAmong(layout, buffer, from, to, from, "gradients");
      }
    }
  }

  private void copy(int from, int to, float[] into, int at) {
    try {
      values.get(from, into, at, to - from);
    } catch (InternalError e) {
      // A read of a mapped page that a truncation removed (SIGBUS) comes out as an InternalError.
      onShrunk.run();
      throw new IllegalArgumentException("shared gradients file " + file + " shrank while the server read it");
    }
  }
}
