package a3c.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
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
}
