package a3c.store;

import a3c.optim.GradientChunks;

/**
 * A push's gradients, as the step will read them: some of the model's tensors, flat, either decoded
 * and checked into a pooled buffer (a push over gRPC) or left in the worker's shared-memory file
 * (checked as the step reads it).
 *
 * <p>Instances come from {@link ParameterStore#decode} and {@link ParameterStore#sharedGradients};
 * the store takes a pooled buffer back once the update is applied or dropped.
 */
public final class Gradients {
  final GradientChunks chunks;
  final boolean[] present;
  /** The pooled buffer the gradients were decoded into, or null for a file. */
  final float[] pooled;

  Gradients(GradientChunks chunks, boolean[] present, float[] pooled) {
    this.chunks = chunks;
    this.present = present;
    this.pooled = pooled;
  }

  /** Whether the values are still in a worker's file, to be checked as they are read. */
  boolean inFile() {
    return chunks instanceof FileGradients;
  }
}
