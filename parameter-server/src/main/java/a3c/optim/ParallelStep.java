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
 * line. Each thread goes through its slice a chunk at a time and hands every chunk on at once
 * ({@link SliceDone}), so that copying the new weights out reads them from L2, not from memory.
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
    this.helpers = threads == 1 ? null
        : Executors.newFixedThreadPool(threads - 1, Thread.ofPlatform().name("ps-applier-helper").daemon().factory());
  }

  public int threads() {
    return sliceStarts.length - 1;
  }

  /**
   * Applies one step to every tensor with {@code present[t]}, handing each chunk of the flat range
   * to {@code done} on the thread that updated it, right after; returns when all slices are done.
   */
  public void apply(float[] weights, float[] gradients, boolean[] present, SliceDone done) {
    applyInOrder(weights, List.of(gradients), List.of(present), done);
  }

  /**
   * Applies one step per push, in list order, as {@link #apply} would one after another, with the
   * same bits; but each chunk of the weights and moments is read from memory once for all the
   * pushes, which take their turns on it while it is in cache, and is handed to {@code done} once,
   * after the last of them.
   */
  public void applyInOrder(float[] weights, List<float[]> gradients, List<boolean[]> present, SliceDone done) {
    Optimizer.TensorStep[][] steps = new Optimizer.TensorStep[gradients.size()][sizes.length];
    for (int push = 0; push < steps.length; push++) {
      for (int t = 0; t < sizes.length; t++) {
        if (present.get(push)[t]) {
          steps[push][t] = optimizer.begin(t);
        }
      }
    }
    List<Future<?>> others = new ArrayList<>(threads() - 1);
    for (int s = 1; s < threads(); s++) {
      int slice = s;
      others.add(helpers.submit(() -> applySlice(slice, weights, gradients, steps, done)));
    }
    Throwable failure = null;
    try {
      applySlice(0, weights, gradients, steps, done);
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
    if (failure != null) {
      throw new IllegalStateException("a slice of the optimizer step failed", failure);
    }
  }

  private void applySlice(int slice, float[] weights, List<float[]> gradients, Optimizer.TensorStep[][] steps,
      SliceDone done) {
    int from = sliceStarts[slice];
    int to = sliceStarts[slice + 1];
    int t = 0;
    for (int chunk = from; chunk < to; chunk += CHUNK_FLOATS) {
      int chunkEnd = Math.min(to, chunk + CHUNK_FLOATS);
      while (offsets[t] + sizes[t] <= chunk) {
        t++;
      }
      for (int push = 0; push < steps.length; push++) {
        for (int tensor = t; tensor < sizes.length && offsets[tensor] < chunkEnd; tensor++) {
          int start = Math.max(chunk, offsets[tensor]);
          int end = Math.min(chunkEnd, offsets[tensor] + sizes[tensor]);
          if (steps[push][tensor] != null && start < end) {
            steps[push][tensor].update(weights, gradients.get(push), start, end);
          }
        }
      }
      done.accept(chunk, chunkEnd);
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
