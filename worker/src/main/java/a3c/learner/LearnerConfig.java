package a3c.learner;

import a3c.model.Engine;

/**
 * The learner's hyper-parameters, named as in the paper and the reference; errors name the reference's flags.
 *
 * @param engine the network engine ({@code --engine}), or null for the network's default
 *     ({@link a3c.model.Networks#DEFAULT_ENGINE})
 */
public record LearnerConfig(
    float gamma, float entropyCoef, float valueLossCoef, float maxGradNorm, int rolloutLength, Engine engine) {

  public LearnerConfig {
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException("--gamma must be in [0, 1], got " + gamma);
    }
    if (!(entropyCoef >= 0)) {
      throw new IllegalArgumentException("--entropy-coef must be >= 0, got " + entropyCoef);
    }
    if (!(valueLossCoef >= 0)) {
      throw new IllegalArgumentException("--value-loss-coef must be >= 0, got " + valueLossCoef);
    }
    if (!(maxGradNorm > 0)) {
      throw new IllegalArgumentException("--max-grad-norm must be > 0, got " + maxGradNorm);
    }
    if (rolloutLength < 1) {
      throw new IllegalArgumentException("--rs must be >= 1, got " + rolloutLength);
    }
  }

  /** On the network's default engine. */
  public LearnerConfig(float gamma, float entropyCoef, float valueLossCoef, float maxGradNorm, int rolloutLength) {
    this(gamma, entropyCoef, valueLossCoef, maxGradNorm, rolloutLength, null);
  }

  /** gamma 0.99, entropyCoef 0.01, valueLossCoef 0.5, maxGradNorm 40, rolloutLength 20, the network's default engine. */
  public static LearnerConfig defaults() {
    return new LearnerConfig(0.99f, 0.01f, 0.5f, 40f, 20);
  }

  /** These values on {@code engine} (null: the network's default). */
  public LearnerConfig withEngine(Engine engine) {
    return new LearnerConfig(gamma, entropyCoef, valueLossCoef, maxGradNorm, rolloutLength, engine);
  }
}
