package a3c.ps;

import a3c.optim.Optimizer;
import a3c.optim.OptimizerConfig;
import a3c.optim.ParallelStep;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What one optimizer step over the whole model costs on its own, without gRPC, decoding or
 * publishing: the floor under the server's time per update, and so the ceiling on updates per
 * second. The step streams the weights, gradients and moments through memory (seven arrays of the
 * model's size for Adam), so on most machines it is bound by memory bandwidth rather than cores.
 */
final class StepCost {
  private static final int WARMUP_STEPS = 300;
  private static final int MEASURED_STEPS = 300;

  private StepCost() {}

  /** Milliseconds per step over tensors of the given sizes with {@code threads} threads. */
  static double millisPerStep(OptimizerConfig config, int[] sizes, int threads) {
    int total = Arrays.stream(sizes).sum();
    float[] weights = new float[total];
    float[] gradients = new float[total];
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < total; i++) {
      weights[i] = (float) (random.nextDouble() - 0.5) * 0.1f;
      gradients[i] = (float) (random.nextDouble() - 0.5) * 1e-3f;
    }
    boolean[] all = new boolean[sizes.length];
    Arrays.fill(all, true);
    try (ParallelStep step = new ParallelStep(Optimizer.create(config, sizes), sizes, threads)) {
      for (int i = 0; i < WARMUP_STEPS; i++) {
        step.apply(weights, gradients, all, (from, to) -> { });
      }
      long start = System.nanoTime();
      for (int i = 0; i < MEASURED_STEPS; i++) {
        step.apply(weights, gradients, all, (from, to) -> { });
      }
      return (System.nanoTime() - start) / 1e6 / MEASURED_STEPS;
    }
  }
}
