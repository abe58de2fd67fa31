package a3c.ps;

import a3c.optim.Optimizer;
import a3c.optim.OptimizerConfig;
import a3c.optim.ParallelStep;
import a3c.proto.Tensor;
import a3c.shm.SharedGradients;
import a3c.shm.SharedWeights;
import a3c.store.ParameterStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * What an update costs the server on its own, without gRPC or clients: the optimizer step alone,
 * and the whole path of a shared-memory push (read and check the gradients in the step, publish the
 * weights into the shared slot), one push at a time. These are the floors under the server's time
 * per update, and so the ceilings on updates per second. The step streams the weights, gradients
 * and moments through memory (seven arrays of the model's size for Adam), so on most machines it
 * is bound by memory bandwidth rather than cores.
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

  /** Milliseconds per shared-memory push through a store of its own (files in a new folder under {@code parent}). */
  static double millisPerSharedMemoryUpdate(OptimizerConfig config, List<Tensor> weights, List<Tensor> gradients,
      Path parent, int threads) throws IOException {
    Path folder = Files.createTempDirectory(parent, "alone-");
    int floats = weights.stream().mapToInt(t -> t.getData().size() / Float.BYTES).sum();
    try (ParameterStore store = ParameterStore.initialize(weights, config, threads);
        SharedWeights published = SharedWeights.create(folder, floats, 4);
        SharedGradients pushed = SharedGradients.create(folder, "alone", floats)) {
      store.share(published).join();
      pushed.write(gradients.stream().map(tensor -> (ByteBuffer) tensor.getData().asReadOnlyByteBuffer()).toList());
      for (int i = 0; i < WARMUP_STEPS; i++) {
        store.apply(store.sharedGradients(pushed.values(), pushed.name(), () -> { }), i, 20, 80, null).join();
      }
      long start = System.nanoTime();
      for (int i = 0; i < MEASURED_STEPS; i++) {
        store.apply(store.sharedGradients(pushed.values(), pushed.name(), () -> { }), WARMUP_STEPS + i, 20, 80, null)
            .join();
      }
      return (System.nanoTime() - start) / 1e6 / MEASURED_STEPS;
    } finally {
      try (Stream<Path> files = Files.list(folder)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Files.delete(file);
        }
      }
      Files.delete(folder);
    }
  }
}
