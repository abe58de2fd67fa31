package a3c.optim;

/**
 * One push's gradients as the step reads them: a chunk of the flat model at a time, copied into the
 * reading thread's scratch array, where the step's loop then finds them in cache. A source that has
 * not checked its values beforehand checks each chunk as it copies it and may refuse its push at any
 * chunk; {@link ParallelStep#applyInOrder} then undoes the whole pass.
 */
@FunctionalInterface
public interface GradientChunks {
  /**
   * Copies the gradients of the flat range {@code [from, to)} into {@code into[0, to - from)}.
   *
   * @throws IllegalArgumentException refusing the push: a value that must not reach the model, or
   *     gradients that can no longer be read
   */
  void read(int from, int to, float[] into);

  /** Gradients already checked, laid out like the model in {@code values}. */
  static GradientChunks checked(float[] values) {
    return new Checked(values);
  }

  /**
   * Gradients checked before the step, laid out like the model: never refused, and read by the
   * step where they are, without a copy.
   */
  record Checked(float[] values) implements GradientChunks {
    @Override
    public void read(int from, int to, float[] into) {
      System.arraycopy(values, from, into, 0, to - from);
    }
  }
}
