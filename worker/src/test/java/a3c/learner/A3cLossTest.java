package a3c.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import a3c.model.Torch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class A3cLossTest {

  @Test
  void compute_termsMatchAHandComputation() {
    try (NDManager manager = Torch.newManager()) {
      // Step 0: probabilities (1/4, 3/4), took action 1, V = 0.5, R = 1.5, advantage 1.
      // Step 1: probabilities (1/2, 1/2), took action 0, V = 1, R = 0, advantage -1.
      NDArray logits = manager.create(new float[] {0, (float) Math.log(3), 0, 0}, new Shape(2, 2));
      NDArray values = manager.create(new float[] {0.5f, 1f}, new Shape(2, 1));
      NDArray taken = manager.create(new float[] {0, 1, 1, 0}, new Shape(2, 2));
      NDArray returns = manager.create(new float[] {1.5f, 0f});

      A3cLoss.Terms terms = A3cLoss.compute(logits, values, taken, returns, 0.5f, 0.01f);

      double policyLoss = -(Math.log(0.75) * 1 + Math.log(0.5) * -1) / 2;
      double valueLoss = (1 * 1 + 1 * 1) / 2.0;
      double entropyLoss =
          ((0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)) + (0.5 * Math.log(0.5) * 2)) / 2;
      assertEquals(policyLoss, terms.policyLoss(), 1e-6);
      assertEquals(valueLoss, terms.valueLoss(), 1e-6);
      assertEquals(entropyLoss, terms.entropyLoss(), 1e-6);
      assertEquals(policyLoss + 0.5 * valueLoss + 0.01 * entropyLoss,
          terms.total().getFloat(), 1e-6);
    }
  }
}
