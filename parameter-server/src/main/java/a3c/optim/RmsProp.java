package a3c.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * RMSprop as PyTorch's {@code torch.optim.RMSprop} applies it (no momentum, not centred):
 * {@code s = alpha s + (1 - alpha) g^2}, {@code w -= lr * g / (sqrt(s) + eps)}.
 *
 * <p>This is what the reference's shared RMSprop means to do, not what it does: its step assigns the
 * new square average to a local name and never stores it, so {@code s} stays zero and every update
 * is {@code lr * g / (0.1 |g| + eps)}, about {@code 10 lr sign(g)}. Runs with {@code --opt rmsprop}
 * therefore differ from the reference's on purpose; Adam, the default, matches it.
 */
final class RmsProp implements Optimizer {
  private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_PREFERRED;

  private final float lr;
  private final float alpha;
  private final float eps;
  private final OptimizerState state;

  RmsProp(OptimizerConfig config, OptimizerState state) {
    this.lr = (float) config.lr();
    this.alpha = (float) config.alpha();
    this.eps = (float) config.eps();
    this.state = state;
  }

  @Override
  public TensorStep begin(int tensor) {
    boolean sweep = Subnormals.due(++state.steps()[tensor]);
    return (weights, from, to, gradients, gradientsFrom) -> update(weights, from, to, gradients, gradientsFrom - from,
        sweep);
  }

  /** As {@link Adam}'s: the Vector API loop and its scalar tail give the same bits. */
  private void update(float[] weights, int from, int to, float[] gradients, int shift, boolean sweep) {
    float[] s = state.secondMoment();
    float oneMinusAlpha = 1 - alpha;
    int i = from;
    for (int upper = from + LANES.loopBound(to - from); i < upper; i += LANES.length()) {
      FloatVector g = FloatVector.fromArray(LANES, gradients, i + shift);
      FloatVector si = FloatVector.fromArray(LANES, s, i).mul(alpha).add(g.mul(oneMinusAlpha).mul(g));
      si.intoArray(s, i);
      FloatVector.fromArray(LANES, weights, i).sub(g.mul(lr).div(si.sqrt().add(eps))).intoArray(weights, i);
    }
    for (; i < to; i++) {
      float g = gradients[i + shift];
      float si = alpha * s[i] + oneMinusAlpha * g * g;
      s[i] = si;
      weights[i] -= lr * g / ((float) Math.sqrt(si) + eps);
    }
    if (sweep) {
      Subnormals.flush(s, from, to);
    }
  }

  @Override
  public OptimizerState state() {
    return state;
  }
}
