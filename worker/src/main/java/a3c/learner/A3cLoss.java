package a3c.learner;

import ai.djl.ndarray.NDArray;

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
 */
final class A3cLoss {

  private A3cLoss() {}

  /** The total to differentiate, and its three terms for logging. */
  record Terms(NDArray total, float policyLoss, float valueLoss, float entropyLoss) {}

  /**
   * @param logits (steps, actions)
   * @param values (steps, 1)
   * @param takenActions (steps, actions) one-hot of the actions taken
   * @param returns (steps) discounted returns
   */
  static Terms compute(NDArray logits, NDArray values, NDArray takenActions, NDArray returns,
      float valueLossCoef, float entropyCoef) {
    NDArray logProbs = logits.logSoftmax(1);
    NDArray takenLogProbs = logProbs.mul(takenActions).sum(new int[] {1});
    NDArray advantages = returns.sub(values.reshape(-1));

    NDArray policyLoss = takenLogProbs.mul(advantages.stopGradient()).mean().neg();
    NDArray valueLoss = advantages.square().mean();
    NDArray entropyLoss = logProbs.exp().mul(logProbs).sum(new int[] {1}).mean();

    NDArray total = policyLoss.add(valueLoss.mul(valueLossCoef)).add(entropyLoss.mul(entropyCoef));
    return new Terms(total, policyLoss.getFloat(), valueLoss.getFloat(), entropyLoss.getFloat());
  }
}
