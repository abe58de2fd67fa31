package a3c.learner;

/** Discounted n-step returns and advantages over one rollout. */
public final class Returns {

  private Returns() {}

  /**
   * Walks backwards with R = r_t + gamma * R * (1 - done_t), starting from the critic's
   * bootstrap value of the state after the last step; a done stops the return at its step.
   */
  public static float[] discounted(float[] rewards, boolean[] dones, float bootstrap, float gamma) {
    if (rewards.length != dones.length) {
      throw new IllegalArgumentException(
          "rewards and dones differ in length: " + rewards.length + " vs " + dones.length);
    }
    float[] returns = new float[rewards.length];
    float running = bootstrap;
    for (int t = rewards.length - 1; t >= 0; t--) {
      running = rewards[t] + (dones[t] ? 0f : gamma * running);
      returns[t] = running;
    }
    return returns;
  }

  /** The advantage R_t - V(s_t) of each step. */
  public static float[] advantages(float[] returns, float[] values) {
    if (returns.length != values.length) {
      throw new IllegalArgumentException(
          "returns and values differ in length: " + returns.length + " vs " + values.length);
    }
    float[] advantages = new float[returns.length];
    for (int t = 0; t < returns.length; t++) {
      advantages[t] = returns[t] - values[t];
    }
    return advantages;
  }
}
