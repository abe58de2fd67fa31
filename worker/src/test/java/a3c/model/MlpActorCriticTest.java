package a3c.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MlpActorCriticTest {

  @Test
  void cartPole_shapesAndRoundTrip() {
    try (MlpActorCritic model = MlpActorCritic.cartPole();
        MlpActorCritic other = MlpActorCritic.cartPole()) {
      model.initialize(3);
      assertEquals(List.of("fc.weight", "fc.bias", "actor.weight", "actor.bias", "critic.weight",
          "critic.bias"), model.parameters().stream().map(ParameterSpec::name).toList());
      assertEquals(0, model.recurrentSize());
      Torch.noGrad();
      try (NDManager scope = model.manager().newSubManager()) {
        ActorCritic.Output out = model.forward(scope.zeros(new Shape(5, 4)), null, null);
        assertEquals(new Shape(5, 2), out.logits().getShape());
        assertEquals(new Shape(5, 1), out.values().getShape());
      }
      other.loadWeights(model.exportWeights());
      assertEquals(model.exportWeights(), other.exportWeights());
    }
  }

  @Test
  void step_matchesTheTensorForward() {
    try (MlpActorCritic model = MlpActorCritic.cartPole()) {
      Random random = new Random(4);
      float[] logits = new float[2];
      for (int seed = 0; seed < 3; seed++) {
        model.initialize(seed);
        List<float[]> weights = AtariActorCriticTest.floats(model.exportWeights());
        for (int bias = 1; bias < weights.size(); bias += 2) {
          for (int i = 0; i < weights.get(bias).length; i++) {
            weights.get(bias)[i] = (float) random.nextGaussian();
          }
        }
        model.loadWeights(AtariActorCriticTest.buffers(weights));
        float[] observation = {random.nextFloat() - 0.5f, random.nextFloat() - 0.5f, random.nextFloat() - 0.5f, random.nextFloat() - 0.5f};
        float value = model.step(observation, new float[0], new float[0], logits);
        Torch.noGrad();
        try (NDManager scope = model.manager().newSubManager()) {
          ActorCritic.Output out = model.forward(scope.create(observation, new Shape(1, 4)), null, null);
          assertArrayEquals(out.logits().toFloatArray(), logits, 1e-6f);
          assertEquals(out.values().getFloat(0, 0), value, 1e-6f);
        }
      }
    }
  }
}
