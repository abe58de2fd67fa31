package a3c.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GradientClippingTest {

  @Test
  void scale_underTheLimitLeavesGradientsAlone() {
    assertEquals(1f, GradientClipping.scale(3.0, 40f));
    assertEquals(1f, GradientClipping.scale(40.0, 40f));
  }

  @Test
  void scale_overTheLimitBringsTheNormToTheLimit() {
    float scale = GradientClipping.scale(80.0, 40f);
    assertEquals(40.0 / (80.0 + 1e-6), scale, 1e-7);
    assertEquals(40.0, 80.0 * scale, 1e-4);
  }
}
