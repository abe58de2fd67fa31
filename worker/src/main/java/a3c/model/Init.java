package a3c.model;

/** How {@link ActorCritic#initialize} draws a parameter, as the reference's PyTorch model does. */
public enum Init {
  /** {@code torch.nn.init.kaiming_normal_} with its defaults: fan-in mode, ReLU gain sqrt(2). */
  KAIMING_NORMAL,
  /** {@code torch.nn.init.xavier_uniform_}: uniform in +-sqrt(6 / (fan-in + fan-out)). */
  XAVIER_UNIFORM,
  ZERO
}
