package a3c.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class MlpActorCriticTest {

  @Test
  void cartPole_shapesAndRoundTrip() {
    try (MlpActorCritic model = new MlpActorCritic(4, 128, 2);
        MlpActorCritic other = new MlpActorCritic(4, 128, 2)) {
      model.initialize(3);
      assertEquals(List.of("fc.weight", "fc.bias", "actor.weight", "actor.bias", "critic.weight",
          "critic.bias"), model.parameters().stream().map(ParameterSpec::name).toList());
      assertEquals(0, model.recurrentSize());
      other.loadWeights(model.exportWeights());
      assertEquals(model.exportWeights(), other.exportWeights());
    }
  }

  /** Two inputs, two hidden units, two actions, by hand: one unit is cut by the ReLU. */
  @Test
  void stepAndBackward_matchHandComputedValues() {
    try (MlpActorCritic model = new MlpActorCritic(2, 2, 2)) {
      model.loadWeights(AtariActorCriticTest.buffers(List.of(
          new float[] {1, 2, -1, -1}, new float[] {0.5f, 0}, // fc: h = relu([x0 + 2 x1 + 0.5, -x0 - x1])
          new float[] {1, 0, 0, 1}, new float[] {0, 0.25f}, // actor: logits = (h0, h1 + 0.25)
          new float[] {2, 3}, new float[] {-1}))); // critic: v = 2 h0 + 3 h1 - 1
      float[] logits = new float[2];
      float value = model.trainingStep(0, new float[] {1, 1}, new float[0], new float[0], logits);
      // h = (3.5, 0)
      assertArrayEquals(new float[] {3.5f, 0.25f}, logits);
      assertEquals(6f, value);
      List<FloatBuffer> gradients = model.parameters().stream()
          .map(spec -> FloatBuffer.allocate(spec.elementCount())).toList();
      double sumOfSquares = model.backward(1, new float[] {1, 2}, new float[] {0.5f}, gradients);
      // dh = dLogits . actor + dV * critic = (1 + 1, 2 + 1.5) = (2, 3.5); the ReLU cuts h1's.
      assertArrayEquals(new float[] {2, 2, 0, 0}, array(gradients.get(0)));
      assertArrayEquals(new float[] {2, 0}, array(gradients.get(1)));
      assertArrayEquals(new float[] {3.5f, 0, 7, 0}, array(gradients.get(2)));
      assertArrayEquals(new float[] {1, 2}, array(gradients.get(3)));
      assertArrayEquals(new float[] {1.75f, 0}, array(gradients.get(4)));
      assertArrayEquals(new float[] {0.5f}, array(gradients.get(5)));
      assertEquals(4 + 4 + 4 + 3.5 * 3.5 + 49 + 1 + 4 + 1.75 * 1.75 + 0.25, sumOfSquares, 1e-6);
      assertThrows(IllegalArgumentException.class, () -> model.backward(2, new float[4], new float[2], gradients));
    }
  }

  private static float[] array(FloatBuffer buffer) {
    float[] values = new float[buffer.capacity()];
    buffer.get(0, values);
    return values;
  }
}
