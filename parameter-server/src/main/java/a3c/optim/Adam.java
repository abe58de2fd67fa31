package a3c.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Adam (Kingma and Ba 2015) exactly as PyTorch's {@code torch.optim.Adam} applies it, which is what
 * the reference's shared Adam runs: per tensor, {@code m = b1 m + (1 - b1) g},
 * {@code v = b2 v + (1 - b2) g^2}, and
 * {@code w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)} with {@code t} the tensor's
 * own step count. Note where eps goes: after the bias correction, as in PyTorch, not in the paper's
 * folded form, which would scale eps by {@code 1 / sqrt(1 - b2^t)} (10x at the first step).
 *
 * <p>The reference's {@code shared_optim.py} leaves this update to PyTorch's Adam (its own step is
 * commented out), over moments it shares between processes; here the parameter server owns them.
 *
 * <p>The loop is written in the Vector API: its gradients come from a chunk's scratch copy, indexed
 * apart from the weights, and C2 does not vectorise such a loop on its own (1.5 ms a step instead of
 * 0.3 here). Each lane does what the scalar tail does, in the same order and with no fused
 * multiply-add, so both give the same bits. Moments that decay into subnormal floats would make it
 * 10x slower: see {@link Subnormals}.
 */
final class Adam implements Optimizer {
  private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_PREFERRED;

  private final float lr;
  private final float beta1;
  private final float beta2;
  private final float eps;
  private final OptimizerState state;

  Adam(OptimizerConfig config, OptimizerState state) {
    this.lr = (float) config.lr();
    this.beta1 = (float) config.beta1();
    this.beta2 = (float) config.beta2();
    this.eps = (float) config.eps();
    this.state = state;
  }

  @Override
  public TensorStep begin(int tensor) {
    long t = ++state.steps()[tensor];
    float stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
    float inverseSqrtBiasCorrection2 = (float) (1 / Math.sqrt(1 - Math.pow(beta2, t)));
    boolean sweep = Subnormals.due(t);
    return (weights, from, to, gradients, gradientsFrom) -> update(weights, from, to, gradients, gradientsFrom - from,
        stepSize, inverseSqrtBiasCorrection2, sweep);
  }

  /** @param shift where element {@code i}'s gradient is: {@code gradients[i + shift]} */
  private void update(float[] weights, int from, int to, float[] gradients, int shift, float stepSize,
      float inverseSqrtBiasCorrection2, boolean sweep) {
    float[] m = state.firstMoment();
    float[] v = state.secondMoment();
    float oneMinusBeta1 = 1 - beta1;
    float oneMinusBeta2 = 1 - beta2;
    int i = from;
    for (int upper = from + LANES.loopBound(to - from); i < upper; i += LANES.length()) {
      FloatVector g = FloatVector.fromArray(LANES, gradients, i + shift);
      FloatVector mi = FloatVector.fromArray(LANES, m, i).mul(beta1).add(g.mul(oneMinusBeta1));
      FloatVector vi = FloatVector.fromArray(LANES, v, i).mul(beta2).add(g.mul(oneMinusBeta2).mul(g));
      mi.intoArray(m, i);
      vi.intoArray(v, i);
      FloatVector.fromArray(LANES, weights, i)
          .sub(mi.mul(stepSize).div(vi.sqrt().mul(inverseSqrtBiasCorrection2).add(eps)))
          .intoArray(weights, i);
    }
    for (; i < to; i++) {
      float g = gradients[i + shift];
      float mi = beta1 * m[i] + oneMinusBeta1 * g;
      float vi = beta2 * v[i] + oneMinusBeta2 * g * g;
      m[i] = mi;
      v[i] = vi;
      weights[i] -= stepSize * mi / ((float) Math.sqrt(vi) * inverseSqrtBiasCorrection2 + eps);
    }
    if (sweep) {
      Subnormals.flush(m, from, to);
      Subnormals.flush(v, from, to);
    }
  }

  @Override
  public OptimizerState state() {
    return state;
  }
}
