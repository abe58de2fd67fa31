package a3c.store;

import a3c.optim.ParallelStep;
import a3c.optim.PushRefused;
import java.util.List;
import java.util.ListIterator;
import java.util.function.IntFunction;

/**
 * Steps the pushes the applier took for one pass ({@link ParallelStep#applyInOrder}), after
 * deciding how the pass reads its shared-memory pushes' files: copied and checked first, or read
 * and checked by the step itself, which then keeps each chunk of the state aside for an undo. A
 * push refused on the way is answered so and left out of the pass.
 */
final class PassSteps {
  /**
   * Shared-memory pushes in a pass from which the step reads their files itself; a smaller pass
   * copies them first, as the gRPC threads do while the last pass was smaller too. The undo writes a
   * copy of the weights and moments per pass (14.4 MB for Adam), a copied file is written once and
   * read again (9.6 MB per push): the undo pays from three pushes on (docs/benchmarks.md).
   */
  static final int READ_IN_STEP_FROM = 3;

  private final float[] weights;
  private final ParallelStep step;
  private final GradientDecoder decoder;

  PassSteps(float[] weights, ParallelStep step, GradientDecoder decoder) {
    this.weights = weights;
    this.step = step;
    this.decoder = decoder;
  }

  /**
   * Steps {@code pushes} in one pass, in list order. A push refused (a value not accepted, a file
   * that shrank) has its future completed with the refusal and is taken out of the list; the state
   * is then as if it had never come.
   *
   * @param buffers where the pooled buffers this takes are added, for the caller to release
   * @param copiesFor the pass's copies of the new weights, for a pass of that many pushes
   * @return the copies of the pass that was applied, or null when every push was refused
   */
  ChunkCopies step(List<QueuedPush> pushes, List<float[]> buffers, IntFunction<ChunkCopies> copiesFor) {
    copyFilesOfSmallPass(pushes, buffers);
    while (!pushes.isEmpty()) {
      ChunkCopies copies = copiesFor.apply(pushes.size());
      try {
        step.applyInOrder(weights, pushes.stream().map(push -> push.gradients().chunks).toList(),
            pushes.stream().map(push -> push.gradients().present).toList(), copies);
        return copies;
      } catch (PushRefused refused) {
        pushes.remove(refused.push()).applied().completeExceptionally(refused.reason());
      }
    }
    return null;
  }

  /** In a pass of fewer than {@link #READ_IN_STEP_FROM} files, copies and checks each, so that the step needs no undo. */
  private void copyFilesOfSmallPass(List<QueuedPush> pushes, List<float[]> buffers) {
    if (pushes.stream().filter(push -> push.gradients().inFile()).count() >= READ_IN_STEP_FROM) {
      return;
    }
    for (ListIterator<QueuedPush> each = pushes.listIterator(); each.hasNext(); ) {
      QueuedPush push = each.next();
      if (push.gradients().inFile()) {
        try {
          Gradients copied = decoder.copied(push.gradients());
          buffers.add(copied.pooled);
          each.set(push.with(copied));
        } catch (IllegalArgumentException refused) {
          each.remove();
          push.applied().completeExceptionally(refused);
        }
      }
    }
  }
}
