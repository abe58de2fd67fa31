package a3c.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Adam and RMSprop against values worked out by hand (in double precision, see the comments). */
class OptimizerTest {
  private static final float[][] GRADIENTS = {{0.5f, 2.0f}, {-1.0f, 0.0f}, {0.25f, -3.0f}};

  @Test
  void adam_threeSteps_matchHandComputedValues() {
    Optimizer adam = Optimizer.create(new OptimizerConfig(OptimizerKind.ADAM, 0.1, 0.9, 0.99, 1e-8, 0.99), new int[] {2});
    float[] weights = {1.0f, -2.0f};
    // Step 1: m = 0.1 g, v = 0.01 g^2, step size = 0.1 sqrt(0.01) / 0.1 = 0.1, so w -= 0.1 sign(g).
    adam.step(0, weights, GRADIENTS[0], 0, 2);
    assertArrayEquals(new float[] {0.90000002f, -2.1f}, weights, 1e-6f);
    adam.step(0, weights, GRADIENTS[1], 0, 2);
    assertArrayEquals(new float[] {0.93656079f, -2.16715801f}, weights, 1e-6f);
    adam.step(0, weights, GRADIENTS[2], 0, 2);
    assertArrayEquals(new float[] {0.95023885f, -2.14274297f}, weights, 1e-6f);
    OptimizerState state = adam.state();
    assertEquals(3, state.steps()[0]);
    assertArrayEquals(new float[] {-0.0245f, -0.138f}, state.firstMoment(), 1e-7f);
    assertArrayEquals(new float[] {0.01297525f, 0.129204f}, state.secondMoment(), 1e-6f);
  }

  @Test
  void adam_addsEpsAfterTheBiasCorrection_asPyTorchDoes() {
    Optimizer adam = Optimizer.create(new OptimizerConfig(OptimizerKind.ADAM, 0.1, 0.9, 0.99, 1e-8, 0.99), new int[] {1});
    float[] weights = {0f};
    float[] gradients = {1e-8f};
    // Step 1: m = 1e-9, v = 1e-18; PyTorch: 0.1 / 0.1 * 1e-9 / (1e-9 / sqrt(0.01) + 1e-8) = 0.05.
    // The paper's folded form, 0.1 sqrt(0.01) / 0.1 * 1e-9 / (1e-9 + 1e-8), would move it 0.0091.
    adam.step(0, weights, gradients, 0, 1);
    assertEquals(-0.05f, weights[0], 1e-6f);
    // Step 2: m = 1.9e-9, v = 1.99e-18: 0.1 / 0.19 * 1.9e-9 / (sqrt(1.99e-18 / 0.0199) + 1e-8) = 0.05.
    adam.step(0, weights, gradients, 0, 1);
    assertEquals(-0.1f, weights[0], 1e-6f);
  }

  @Test
  void rmsprop_threeSteps_matchHandComputedValues() {
    Optimizer rmsprop = Optimizer.create(OptimizerConfig.defaults(OptimizerKind.RMSPROP, 0.1), new int[] {2});
    float[] weights = {1.0f, -2.0f};
    // Step 1: s = 0.01 g^2, so w -= 0.1 g / (0.1 |g|) = 0.1 sign(g)... times 10: lr g / sqrt(0.01 g^2) = 1.
    rmsprop.step(0, weights, GRADIENTS[0], 0, 2);
    assertArrayEquals(new float[] {2.0e-7f, -3.0f}, weights, 1e-6f);
    rmsprop.step(0, weights, GRADIENTS[1], 0, 2);
    assertArrayEquals(new float[] {0.89532308f, -3.0f}, weights, 1e-6f);
    rmsprop.step(0, weights, GRADIENTS[2], 0, 2);
    assertArrayEquals(new float[] {0.67584957f, -2.16539057f}, weights, 1e-6f);
    assertArrayEquals(new float[] {0.01297525f, 0.129204f}, rmsprop.state().secondMoment(), 1e-6f);
    assertEquals(0, rmsprop.state().firstMoment().length);
  }

  @Test
  void adam_stepCountsArePerTensor_biasCorrectionUsesTheTensorsOwnCount() {
    Optimizer adam = Optimizer.create(new OptimizerConfig(OptimizerKind.ADAM, 0.1, 0.9, 0.99, 1e-8, 0.99), new int[] {1, 1});
    float[] weights = {1.0f, 1.0f};
    float[] gradients = {0.5f, 0.5f};
    adam.step(0, weights, gradients, 0, 1);
    adam.step(0, weights, gradients, 0, 1);
    adam.step(1, weights, gradients, 1, 1);
    assertEquals(2, adam.state().steps()[0]);
    assertEquals(1, adam.state().steps()[1]);
    // Tensor 1's first step is a full first step (bias corrected with t = 1): w -= 0.1.
    assertEquals(0.9f, weights[1], 1e-6f);
  }

  @ParameterizedTest
  @EnumSource(OptimizerKind.class)
  void momentsOfParametersWhoseGradientStaysZero_neverTurnSubnormal(OptimizerKind kind) {
    Optimizer optimizer = Optimizer.create(OptimizerConfig.defaults(kind, 1e-4), new int[] {2});
    float[] weights = {1f, 1f};
    optimizer.step(0, weights, new float[] {1e-3f, 1e-3f}, 0, 2);
    float[] onlyTheFirstMoves = {1e-3f, 0f};
    // Without the sweep the second parameter's moments pass 1e-38 within 3,000 steps (0.99^3000 ~ 1e-13 of 1e-8
    // for the second moment, 0.9^3000 for the first).
    for (int step = 0; step < 12_000; step++) {
      optimizer.step(0, weights, onlyTheFirstMoves, 0, 2);
      for (float[] moment : new float[][] {optimizer.state().firstMoment(), optimizer.state().secondMoment()}) {
        for (float value : moment) {
          assertTrue(value == 0f || Math.abs(value) >= Float.MIN_NORMAL, "subnormal moment " + value + " after step " + step);
        }
      }
    }
    assertEquals(0f, optimizer.state().secondMoment()[1], "the idle parameter's moment was flushed to zero");
    assertTrue(optimizer.state().secondMoment()[0] > 0f, "the moving parameter's moment is kept");
  }

  @Test
  void restore_continuesExactlyLikeTheOriginal() {
    OptimizerConfig config = new OptimizerConfig(OptimizerKind.ADAM, 0.1, 0.9, 0.99, 1e-8, 0.99);
    Optimizer original = Optimizer.create(config, new int[] {2});
    float[] weights = {1.0f, -2.0f};
    original.step(0, weights, GRADIENTS[0], 0, 2);
    float[] copy = weights.clone();
    Optimizer restored = Optimizer.restore(config, original.state().copy());
    original.step(0, weights, GRADIENTS[1], 0, 2);
    restored.step(0, copy, GRADIENTS[1], 0, 2);
    assertArrayEquals(weights, copy, 0f);
  }

  @Test
  void restore_ofTheOtherKind_isRejected() {
    Optimizer adam = Optimizer.create(OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-4), new int[] {2});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Optimizer.restore(OptimizerConfig.defaults(OptimizerKind.RMSPROP, 1e-4), adam.state()));
    assertEquals("optimizer state is adam but the run is configured for rmsprop", e.getMessage());
  }

  @Test
  void config_badValues_nameTheField() {
    assertEquals("lr must be in (0.0, 1.0], got -1.0", assertThrows(IllegalArgumentException.class,
        () -> OptimizerConfig.defaults(OptimizerKind.ADAM, -1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new OptimizerConfig(OptimizerKind.ADAM, 1e-4, 1.0, 0.99, 1e-8, 0.99));
    assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.defaults(OptimizerKind.ADAM, Double.NaN));
    assertEquals("unknown optimizer 'sgd': expected one of [adam, rmsprop]",
        assertThrows(IllegalArgumentException.class, () -> OptimizerKind.parse("sgd")).getMessage());
    assertEquals(OptimizerKind.RMSPROP, OptimizerKind.parse("RMSprop"));
  }
}
