package a3c.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class A3cLossTest {

  private static final float VALUE_LOSS_COEF = 0.5f;
  private static final float ENTROPY_COEF = 0.01f;

  @Test
  void compute_termsMatchAHandComputation() {
    // Step 0: probabilities (1/4, 3/4), took action 1, V = 0.5, R = 1.5, advantage 1.
    // Step 1: probabilities (1/2, 1/2), took action 0, V = 1, R = 0, advantage -1.
    float[] logits = {0, (float) Math.log(3), 0, 0};
    float[] values = {0.5f, 1f};
    A3cLoss.Terms terms = A3cLoss.compute(2, 2, logits, values, new int[] {1, 0}, new float[] {1.5f, 0f},
        VALUE_LOSS_COEF, ENTROPY_COEF, new float[4], new float[2]);

    double policyLoss = -(Math.log(0.75) * 1 + Math.log(0.5) * -1) / 2;
    double valueLoss = (1 * 1 + 1 * 1) / 2.0;
    double entropyLoss = ((0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)) + (0.5 * Math.log(0.5) * 2)) / 2;
    assertEquals(policyLoss, terms.policyLoss(), 1e-6);
    assertEquals(valueLoss, terms.valueLoss(), 1e-6);
    assertEquals(entropyLoss, terms.entropyLoss(), 1e-6);
    assertEquals(policyLoss + 0.5 * valueLoss + 0.01 * entropyLoss, terms.total(VALUE_LOSS_COEF, ENTROPY_COEF), 1e-6);
  }

  /** The advantage in the policy term is a constant: the check perturbs the values of that term only. */
  @Test
  void compute_gradientsMatchCentralDifferences() {
    Random random = new Random(3);
    int steps = 5;
    int actions = 4;
    float[] logits = new float[steps * actions];
    float[] values = new float[steps];
    float[] returns = new float[steps];
    int[] taken = new int[steps];
    for (int t = 0; t < steps; t++) {
      for (int a = 0; a < actions; a++) {
        logits[t * actions + a] = (float) random.nextGaussian() * 2;
      }
      values[t] = (float) random.nextGaussian();
      returns[t] = (float) random.nextGaussian();
      taken[t] = random.nextInt(actions);
    }
    float[] logitGradients = new float[steps * actions];
    float[] valueGradients = new float[steps];
    A3cLoss.compute(steps, actions, logits, values, taken, returns, VALUE_LOSS_COEF, ENTROPY_COEF, logitGradients,
        valueGradients);
    double epsilon = 1e-3;
    for (int i = 0; i < logits.length; i++) {
      double numeric = (loss(logits, values, taken, returns, i, epsilon, -1) - loss(logits, values, taken, returns, i, -epsilon, -1))
          / (2 * epsilon);
      assertEquals(numeric, logitGradients[i], 1e-5, "logit " + i);
    }
    for (int t = 0; t < steps; t++) {
      double numeric = (loss(logits, values, taken, returns, -1, 0, t) - loss(logits, values, taken, returns, -1, 0, -t - 2))
          / (2 * epsilon);
      assertEquals(numeric, valueGradients[t], 1e-5, "value " + t);
    }
  }

  /**
   * The loss in double with logit {@code nudged} moved by {@code delta}, or value {@code t} moved by
   * +1e-3 ({@code valueStep = t}) or -1e-3 ({@code valueStep = -t - 2}) in the value term only.
   */
  private static double loss(float[] logits, float[] values, int[] taken, float[] returns, int nudged, double delta,
      int valueStep) {
    int steps = values.length;
    int actions = logits.length / steps;
    double total = 0;
    for (int t = 0; t < steps; t++) {
      double max = Double.NEGATIVE_INFINITY;
      double[] z = new double[actions];
      for (int a = 0; a < actions; a++) {
        z[a] = logits[t * actions + a] + (t * actions + a == nudged ? delta : 0);
        max = Math.max(max, z[a]);
      }
      double sum = 0;
      for (double v : z) {
        sum += Math.exp(v - max);
      }
      double logSum = max + Math.log(sum);
      double value = values[t];
      if (valueStep == t) {
        value += 1e-3;
      } else if (valueStep == -t - 2) {
        value -= 1e-3;
      }
      total -= (z[taken[t]] - logSum) * (returns[t] - values[t]) / steps;
      total += VALUE_LOSS_COEF * (returns[t] - value) * (returns[t] - value) / steps;
      for (double v : z) {
        total += ENTROPY_COEF * Math.exp(v - logSum) * (v - logSum) / steps;
      }
    }
    return total;
  }
}
