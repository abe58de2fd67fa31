package a3c.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReturnsTest {

  @Test
  void discounted_doneInTheMiddleStopsTheBootstrap() {
    // By hand, gamma 0.5, bootstrap 2, walking backwards:
    // t3: 1 + 0.5 * 2 = 2; t2: -1 + 0.5 * 2 = 0; t1 is terminal: 0; t0: 1 + 0.5 * 0 = 1.
    float[] returns = Returns.discounted(
        new float[] {1, 0, -1, 1}, new boolean[] {false, true, false, false}, 2f, 0.5f);
    assertArrayEquals(new float[] {1, 0, 0, 2}, returns, 1e-6f);
  }

  @Test
  void discounted_terminalLastStepIgnoresBootstrap() {
    float[] returns = Returns.discounted(
        new float[] {0, 0, 1}, new boolean[] {false, false, true}, 100f, 0.99f);
    assertArrayEquals(new float[] {0.99f * 0.99f, 0.99f, 1}, returns, 1e-6f);
  }

  @Test
  void discounted_noDoneBootstrapsThroughEveryStep() {
    float[] returns = Returns.discounted(new float[] {0, 0}, new boolean[] {false, false}, 1f, 0.9f);
    assertArrayEquals(new float[] {0.81f, 0.9f}, returns, 1e-6f);
  }

  @Test
  void advantages_areReturnsMinusValues() {
    float[] advantages = Returns.advantages(new float[] {1, 0, 0, 2}, new float[] {0.5f, 1, -1, 2});
    assertArrayEquals(new float[] {0.5f, -1, 1, 0}, advantages, 1e-6f);
  }

  @Test
  void discounted_mismatchedLengths() {
    assertThrows(IllegalArgumentException.class,
        () -> Returns.discounted(new float[2], new boolean[3], 0f, 0.99f));
  }
}
