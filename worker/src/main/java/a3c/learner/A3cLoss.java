package a3c.learner;

/**
 * The A3C loss of Mnih et al. 2016, "Asynchronous Methods for Deep Reinforcement Learning"
 * (arXiv:1602.01783), as in the reference github.com/gianluca-maselli/A3C (ac_utils.py):
 *
 * <pre>
 *   loss = policyLoss + valueLossCoef * valueLoss + entropyCoef * entropyLoss
 *   policyLoss  = -mean_t( log pi(a_t|s_t) * stopGradient(R_t - V(s_t)) )
 *   valueLoss   =  mean_t( (R_t - V(s_t))^2 )
 *   entropyLoss =  mean_t( sum_a pi(a|s_t) log pi(a|s_t) )
 * </pre>
 *
 * Sign convention: every term is minimised. entropyLoss is the negative entropy, so minimising it
 * raises the policy's entropy.
 *
 * <p>The network's outputs come from acting, so the loss and its gradient with respect to the
 * logits z and the values V are written out in closed form; the network back-propagates them:
 *
 * <pre>
 *   d policyLoss  / d z_t,k = -(1[k = a_t] - pi_t,k) * (R_t - V_t) / T
 *   d valueLoss   / d V_t   = -2 (R_t - V_t) / T
 *   d entropyLoss / d z_t,k =  pi_t,k (log pi_t,k - sum_j pi_t,j log pi_t,j) / T
 * </pre>
 */
final class A3cLoss {

  private A3cLoss() {}

  /** The three terms, for logging. */
  record Terms(float policyLoss, float valueLoss, float entropyLoss) {
    float total(float valueLossCoef, float entropyCoef) {
      return policyLoss + valueLossCoef * valueLoss + entropyCoef * entropyLoss;
    }
  }

  /**
   * Computes the loss of {@code steps} steps and writes its gradient with respect to each step's
   * logits into {@code logitGradients} and with respect to each value into {@code valueGradients}.
   *
   * @param logits (steps, actions), row-major
   * @param values (steps)
   * @param actions the actions taken
   * @param returns (steps) discounted returns
   */
  static Terms compute(int steps, int actionCount, float[] logits, float[] values, int[] actions, float[] returns,
      float valueLossCoef, float entropyCoef, float[] logitGradients, float[] valueGradients) {
    double policyLoss = 0;
    double valueLoss = 0;
    double entropyLoss = 0;
    double[] logProbs = new double[actionCount];
    for (int t = 0; t < steps; t++) {
      int row = t * actionCount;
      double max = Double.NEGATIVE_INFINITY;
      for (int a = 0; a < actionCount; a++) {
        max = Math.max(max, logits[row + a]);
      }
      double sum = 0;
      for (int a = 0; a < actionCount; a++) {
        sum += Math.exp(logits[row + a] - max);
      }
      double logSum = max + Math.log(sum);
      double negativeEntropy = 0;
      for (int a = 0; a < actionCount; a++) {
        logProbs[a] = logits[row + a] - logSum;
        negativeEntropy += Math.exp(logProbs[a]) * logProbs[a];
      }
      double advantage = returns[t] - values[t];
      policyLoss -= logProbs[actions[t]] * advantage / steps;
      valueLoss += advantage * advantage / steps;
      entropyLoss += negativeEntropy / steps;
      for (int a = 0; a < actionCount; a++) {
        double probability = Math.exp(logProbs[a]);
        double taken = a == actions[t] ? 1 : 0;
        logitGradients[row + a] = (float) ((-(taken - probability) * advantage
            + entropyCoef * probability * (logProbs[a] - negativeEntropy)) / steps);
      }
      valueGradients[t] = (float) (-2 * valueLossCoef * advantage / steps);
    }
    return new Terms((float) policyLoss, (float) valueLoss, (float) entropyLoss);
  }
}
