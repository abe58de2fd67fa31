package a3c.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sliced step against the one-thread step, compared bit for bit. */
class ParallelStepTest {
  /**
   * Uneven on purpose: tensors smaller than a slice, a slice boundary inside most tensors, one-element
   * tensors, and one that spans several of a thread's chunks (65,536 floats).
   */
  private static final int[] SIZES = {7, 1, 130, 3, 64, 1000, 17, 1, 2049, 150_000, 5};
  /** Past two subnormal sweeps (every 64 steps), which also run per slice. */
  private static final int STEPS = 130;

  @ParameterizedTest(name = "{0}, {1} threads, {2} pushes a pass, checked beforehand: {3}")
  @CsvSource({"ADAM, 2, 1, true", "ADAM, 3, 1, false", "ADAM, 7, 1, true", "ADAM, 300, 1, true", "RMSPROP, 2, 1, true",
      "RMSPROP, 5, 1, false", "RMSPROP, 300, 1, true", "ADAM, 1, 4, true", "ADAM, 3, 5, false", "ADAM, 300, 8, true",
      "ADAM, 2, 8, false", "RMSPROP, 2, 3, true"})
  void slicedStep_givesTheOneThreadWeightsAndStateBitForBit(OptimizerKind kind, int threads, int pushesPerPass,
      boolean checked) {
    OptimizerConfig config = OptimizerConfig.defaults(kind, 1e-3);
    int total = Arrays.stream(SIZES).sum();
    float[] expected = initialWeights(total);
    float[] actual = expected.clone();
    Optimizer oneThread = Optimizer.create(config, SIZES);
    Optimizer sliced = Optimizer.create(config, SIZES);
    SplittableRandom random = new SplittableRandom(42);
    List<GradientChunks> pass = new ArrayList<>();
    List<boolean[]> passPresent = new ArrayList<>();
    try (ParallelStep parallel = new ParallelStep(sliced, SIZES, threads)) {
      for (int step = 0; step < STEPS; step++) {
        float[] gradients = gradients(random, total, step);
        // Every third step leaves some tensors out, as a push for a subset of them does.
        boolean[] present = new boolean[SIZES.length];
        for (int t = 0; t < SIZES.length; t++) {
          present[t] = step % 3 != 0 || t % 2 == 0;
        }
        int offset = 0;
        for (int t = 0; t < SIZES.length; t++) {
          if (present[t]) {
            oneThread.step(t, expected, gradients, offset, SIZES[t]);
          }
          offset += SIZES[t];
        }
        pass.add(checked ? GradientChunks.checked(gradients) : unchecked(gradients, -1));
        passPresent.add(present);
        if (pass.size() == pushesPerPass || step == STEPS - 1) {
          if (pushesPerPass == 1 && checked) {
            parallel.apply(actual, gradients, present, (from, to) -> { });
          } else {
            parallel.applyInOrder(actual, pass, passPresent, (from, to) -> { });
          }
          pass.clear();
          passPresent.clear();
        }
      }
    }
    assertBitsEqual(expected, actual, "weights");
    assertBitsEqual(oneThread.state().firstMoment(), sliced.state().firstMoment(), "first moments");
    assertBitsEqual(oneThread.state().secondMoment(), sliced.state().secondMoment(), "second moments");
    assertArrayEquals(oneThread.state().steps(), sliced.state().steps());
  }

  /** Element {@code 153,276} is the model's last; with one thread, the pass has stepped two chunks before it. */
  @ParameterizedTest(name = "{0}, {1} threads, push {2} of 3 refused at element {3}")
  @CsvSource({"ADAM, 1, 0, 0", "ADAM, 1, 2, 153276", "ADAM, 2, 1, 100", "ADAM, 3, 1, 80000", "ADAM, 3, 0, 153276",
      "RMSPROP, 2, 2, 140000"})
  void refusedPush_leavesTheStateAsBeforeThePass_andThePassWithoutItStepsAsBefore(OptimizerKind kind, int threads,
      int refused, int at) {
    OptimizerConfig config = OptimizerConfig.defaults(kind, 1e-3);
    int total = Arrays.stream(SIZES).sum();
    assertEquals(153_277, total);
    boolean[] all = new boolean[SIZES.length];
    Arrays.fill(all, true);
    Optimizer oneThread = Optimizer.create(config, SIZES);
    Optimizer sliced = Optimizer.create(config, SIZES);
    float[] expected = initialWeights(total);
    float[] actual = expected.clone();
    SplittableRandom random = new SplittableRandom(5);
    try (ParallelStep parallel = new ParallelStep(sliced, SIZES, threads);
        ParallelStep reference = new ParallelStep(oneThread, SIZES, 1)) {
      for (int step = 0; step < 3; step++) {
        float[] gradients = gradients(random, total, step);
        reference.apply(expected, gradients, all, (from, to) -> { });
        parallel.apply(actual, gradients, all, (from, to) -> { });
      }
      float[] weightsBefore = actual.clone();
      OptimizerState stateBefore = sliced.state().copy();
      List<float[]> pushes = List.of(gradients(random, total, 3), gradients(random, total, 4), gradients(random, total, 5));
      List<GradientChunks> pass = new ArrayList<>();
      for (int push = 0; push < pushes.size(); push++) {
        pass.add(unchecked(pushes.get(push), push == refused ? at : -1));
      }
      PushRefused refusal = assertThrows(PushRefused.class,
          () -> parallel.applyInOrder(actual, pass, List.of(all, all, all), (from, to) -> { }));
      assertEquals(refused, refusal.push());
      assertEquals("refused at " + at, refusal.reason().getMessage());
      assertBitsEqual(weightsBefore, actual, "weights after the refusal");
      assertBitsEqual(stateBefore.firstMoment(), sliced.state().firstMoment(), "first moments after the refusal");
      assertBitsEqual(stateBefore.secondMoment(), sliced.state().secondMoment(), "second moments after the refusal");
      assertArrayEquals(stateBefore.steps(), sliced.state().steps(), "step counts after the refusal");

      List<GradientChunks> rest = new ArrayList<>(pass);
      rest.remove(refused);
      parallel.applyInOrder(actual, rest, List.of(all, all), (from, to) -> { });
      for (int push = 0; push < pushes.size(); push++) {
        if (push != refused) {
          reference.apply(expected, pushes.get(push), all, (from, to) -> { });
        }
      }
    }
    assertBitsEqual(expected, actual, "weights");
    assertBitsEqual(oneThread.state().firstMoment(), sliced.state().firstMoment(), "first moments");
    assertBitsEqual(oneThread.state().secondMoment(), sliced.state().secondMoment(), "second moments");
    assertArrayEquals(oneThread.state().steps(), sliced.state().steps());
  }

  /** Gradients read as a shared-memory file's are, not checked beforehand; refused at the chunk that holds {@code refuseAt}. */
  private static GradientChunks unchecked(float[] values, int refuseAt) {
    return (from, to, into) -> {
      if (from <= refuseAt && refuseAt < to) {
        throw new IllegalArgumentException("refused at " + refuseAt);
      }
      System.arraycopy(values, from, into, 0, to - from);
    };
  }

  @Test
  void everyElementIsHandedOnOnce_inChunksOnCacheLines() {
    int total = Arrays.stream(SIZES).sum();
    AtomicIntegerArray seen = new AtomicIntegerArray(total);
    Optimizer adam = Optimizer.create(OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-3), SIZES);
    float[] weights = initialWeights(total);
    boolean[] all = new boolean[SIZES.length];
    Arrays.fill(all, true);
    try (ParallelStep parallel = new ParallelStep(adam, SIZES, 4)) {
      assertEquals(4, parallel.threads());
      parallel.apply(weights, gradients(new SplittableRandom(1), total, 1), all, (from, to) -> {
        assertEquals(0, from % 16, "chunks start on a cache line");
        for (int i = from; i < to; i++) {
          seen.incrementAndGet(i);
        }
      });
    }
    for (int i = 0; i < total; i++) {
      assertEquals(1, seen.get(i), "element " + i);
    }
  }

  @Test
  void threads_mustBePositive() {
    Optimizer adam = Optimizer.create(OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-3), SIZES);
    assertEquals("applier threads must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> new ParallelStep(adam, SIZES, 0)).getMessage());
  }

  private static float[] initialWeights(int total) {
    SplittableRandom random = new SplittableRandom(7);
    float[] weights = new float[total];
    for (int i = 0; i < total; i++) {
      weights[i] = (float) (random.nextDouble() - 0.5);
    }
    return weights;
  }

  /** Gradients of mixed scales; every fifth stays zero so that its moments decay towards the sweep's threshold. */
  private static float[] gradients(SplittableRandom random, int total, int step) {
    float[] gradients = new float[total];
    for (int i = 0; i < total; i++) {
      gradients[i] = i % 5 == 0 && step > 3 ? 0f : (float) ((random.nextDouble() - 0.5) * Math.pow(10, -random.nextInt(8)));
    }
    return gradients;
  }

  private static void assertBitsEqual(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      int index = i;
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
          () -> what + " differ at " + index + ": " + expected[index] + " against " + actual[index]);
    }
  }
}
