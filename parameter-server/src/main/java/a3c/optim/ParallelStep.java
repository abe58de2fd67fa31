package a3c.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Applies one optimizer step to the whole flat model with several threads, each over its own
 * contiguous slice of the weights, gradients and moments (a slice may cut through tensors).
 *
 * <p>Every element of Adam's and RMSprop's update depends only on its own index and on per-tensor
 * coefficients fixed once per step ({@link Optimizer#begin}), so the slices never touch the same
 * element and the result is bit for bit that of one thread. The step stays one step: {@link #apply}
 * returns only once every slice is done, and its caller (the store's single applier) publishes the
 * version after that. Slices start on 64-byte boundaries so that two threads never write one cache
 * line. Each thread goes through its slice a chunk at a time: it copies each push's gradients for
 * the chunk into its scratch array, where a source that was not checked beforehand checks them
 * (gradients already checked are read where they are), applies the pushes' steps to the chunk, and
 * hands the chunk on at once ({@link SliceDone}), so that the gradients are read from memory once
 * and copying the new weights out reads them from L2.
 *
 * <p>A push refused halfway through a pass must leave no trace: before a chunk is stepped, its
 * weights and moments are copied aside, and a refusal puts back every chunk the pass has stepped.
 * That costs a pass a copy of the state, which is made only when some push of the pass was not
 * {@linkplain GradientChunks.Checked checked} beforehand; checking a shared-memory push before the
 * pass instead would read its 4.8 MB from memory twice, which costs more once a pass holds a few
 * pushes.
 */
public final class ParallelStep implements AutoCloseable {
  private static final int LINE_FLOATS = 16;
  /**
   * 256 KB of each array: the chunk's weights, gradients and moments (1 MB in all) stay in L2 until
   * it is handed on. Smaller chunks cost more than they save: over the Atari network, one thread's
   * step and copy-out took 0.67 ms in chunks of 8,192 floats and 0.59 ms in chunks of 65,536.
   */
  private static final int CHUNK_FLOATS = 65_536;

  /** What a slice's thread does with each chunk of its range once the step is applied there (e.g. copy it out). */
  @FunctionalInterface
  public interface SliceDone {
    void accept(int from, int to);
  }

  private final Optimizer optimizer;
  private final int[] offsets;
  private final int[] sizes;
  private final int[] sliceStarts;
  private final ExecutorService helpers;
  /** Per slice, where its thread copies each push's gradients for the chunk it steps. */
  private final float[][] scratch;
  /** The state before the pass, chunk by chunk as the pass reaches it: weights, then the moments; made on first need. */
  private float[][] before;

  /**
   * @param tensorSizes the model's tensors, laid out one after another from offset 0
   * @param threads how many threads share a step (the caller's own and {@code threads - 1} helpers)
   */
  public ParallelStep(Optimizer optimizer, int[] tensorSizes, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("applier threads must be >= 1, got " + threads);
    }
    this.optimizer = optimizer;
    this.sizes = tensorSizes.clone();
    this.offsets = new int[sizes.length];
    long total = 0;
    for (int t = 0; t < sizes.length; t++) {
      offsets[t] = (int) total;
      total += sizes[t];
    }
    this.sliceStarts = new int[threads + 1];
    for (int s = 0; s <= threads; s++) {
      long even = total * s / threads;
      sliceStarts[s] = s == threads ? (int) total : (int) Math.min(total, (even + LINE_FLOATS - 1) / LINE_FLOATS * LINE_FLOATS);
    }
    this.scratch = new float[threads][(int) Math.min(CHUNK_FLOATS, Math.max(total, 1))];
    this.helpers = threads == 1 ? null
        : Executors.newFixedThreadPool(threads - 1, Thread.ofPlatform().name("ps-applier-helper").daemon().factory());
  }

  public int threads() {
    return sliceStarts.length - 1;
  }

  /**
   * Applies one step to every tensor with {@code present[t]}, with gradients already checked, handing
   * each chunk of the flat range to {@code done} on the thread that updated it, right after; returns
   * when all slices are done.
   */
  public void apply(float[] weights, float[] gradients, boolean[] present, SliceDone done) {
    applyInOrder(weights, List.of(GradientChunks.checked(gradients)), List.of(present), done);
  }

  /**
   * Applies one step per push, in list order, as {@link #apply} would one after another, with the
   * same bits; but each chunk of the weights and moments is read from memory once for all the
   * pushes, which take their turns on it while it is in cache, and is handed to {@code done} once,
   * after the last of them.
   *
   * @throws PushRefused when a push's gradients refused a chunk: the weights, moments and step
   *     counts are then as they were before the call, and no push of the pass is applied
   */
  public void applyInOrder(float[] weights, List<GradientChunks> gradients, List<boolean[]> present, SliceDone done) {
    OptimizerState state = optimizer.state();
    long[] stepsBefore = state.steps().clone();
    Optimizer.TensorStep[][] steps = new Optimizer.TensorStep[gradients.size()][sizes.length];
    for (int push = 0; push < steps.length; push++) {
      for (int t = 0; t < sizes.length; t++) {
        if (present.get(push)[t]) {
          steps[push][t] = optimizer.begin(t);
        }
      }
    }
    Pass pass = new Pass(weights, state, gradients, steps, done,
        gradients.stream().allMatch(GradientChunks.Checked.class::isInstance) ? null : keptBefore(weights, state));
    List<Future<?>> others = new ArrayList<>(threads() - 1);
    for (int s = 1; s < threads(); s++) {
      int slice = s;
      others.add(helpers.submit(() -> applySlice(slice, pass)));
    }
    Throwable failure = null;
    try {
      applySlice(0, pass);
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    // Every helper is waited for even after a failure: none may still write once this returns.
    for (Future<?> other : others) {
      try {
        other.get();
      } catch (ExecutionException e) {
        failure = failure == null ? e.getCause() : failure;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = failure == null ? e : failure;
      }
    }
    PushRefused refused = pass.refused;
    if (refused != null) {
      pass.undo();
      System.arraycopy(stepsBefore, 0, state.steps(), 0, stepsBefore.length);
      throw refused;
    }
    if (failure != null) {
      throw new IllegalStateException("a slice of the optimizer step failed", failure);
    }
  }

  private float[][] keptBefore(float[] weights, OptimizerState state) {
    if (before == null) {
      before = new float[][] {new float[weights.length], new float[state.firstMoment().length],
          new float[state.secondMoment().length]};
    }
    return before;
  }

  /** One call's pushes, and what its slices have stepped so far. */
  private final class Pass {
    final float[] weights;
    final List<GradientChunks> gradients;
    final Optimizer.TensorStep[][] steps;
    final SliceDone done;
    /** The state the pass steps: the weights, then the moments. */
    final float[][] live;
    /** Where each chunk's state is copied before it is stepped, laid out as {@link #live}; null when no push may be refused. */
    final float[][] before;
    /** Per slice, the end of the chunks it has stepped (or begun to). */
    final int[] steppedTo = sliceStarts.clone();
    volatile PushRefused refused;

    Pass(float[] weights, OptimizerState state, List<GradientChunks> gradients, Optimizer.TensorStep[][] steps,
        SliceDone done, float[][] before) {
      this.weights = weights;
      this.live = new float[][] {weights, state.firstMoment(), state.secondMoment()};
      this.gradients = gradients;
      this.steps = steps;
      this.done = done;
      this.before = before;
    }

    /** Copies a chunk's weights and moments aside, before its first step. */
    void keep(int from, int to) {
      copyState(live, before, from, to - from);
    }

    /** Puts back every chunk any slice has stepped; called once all slices have stopped. */
    void undo() {
      for (int s = 0; s < threads(); s++) {
        copyState(before, live, sliceStarts[s], steppedTo[s] - sliceStarts[s]);
      }
    }
  }

  /** Copies {@code [from, from + length)} of each array of the state (weights, moments; RMSprop has no first moment). */
  private static void copyState(float[][] source, float[][] target, int from, int length) {
    for (int a = 0; a < source.length; a++) {
      if (source[a].length > 0) {
        System.arraycopy(source[a], from, target[a], from, length);
      }
    }
  }

  private void applySlice(int slice, Pass pass) {
    float[] chunkGradients = scratch[slice];
    int from = sliceStarts[slice];
    int to = sliceStarts[slice + 1];
    int t = 0;
    for (int chunk = from; chunk < to && pass.refused == null; chunk += CHUNK_FLOATS) {
      int chunkEnd = Math.min(to, chunk + CHUNK_FLOATS);
      while (offsets[t] + sizes[t] <= chunk) {
        t++;
      }
      if (pass.before != null) {
        pass.keep(chunk, chunkEnd);
      }
      pass.steppedTo[slice] = chunkEnd;
      for (int push = 0; push < pass.steps.length; push++) {
        float[] gradients = chunkGradients;
        int gradientsAt = chunk;
        if (pass.gradients.get(push) instanceof GradientChunks.Checked(float[] values)) {
          gradients = values;
          gradientsAt = 0;
        } else {
          try {
            pass.gradients.get(push).read(chunk, chunkEnd, chunkGradients);
          } catch (IllegalArgumentException e) {
            pass.refused = new PushRefused(push, e);
            return;
          }
        }
        for (int tensor = t; tensor < sizes.length && offsets[tensor] < chunkEnd; tensor++) {
          int start = Math.max(chunk, offsets[tensor]);
          int end = Math.min(chunkEnd, offsets[tensor] + sizes[tensor]);
          if (pass.steps[push][tensor] != null && start < end) {
            pass.steps[push][tensor].update(pass.weights, start, end, gradients, start - gradientsAt);
          }
        }
      }
      pass.done.accept(chunk, chunkEnd);
    }
  }

  @Override
  public void close() {
    if (helpers == null) {
      return;
    }
    helpers.shutdown();
    try {
      helpers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
