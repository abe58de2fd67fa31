package a3c.model;

/**
 * Builds the network for an environment on the chosen engine: the reference's Atari network for
 * stacked frames, a one-layer MLP of {@link #MLP_HIDDEN} units for vector observations such as
 * CartPole's.
 */
public final class Networks {
  public static final int MLP_HIDDEN = 128;

  private Networks() {}

  /**
   * The engine when {@code --engine} is not given: both networks here have plain-Java passes (the
   * Atari kernel; the MLP's loops, several times faster than libtorch at CartPole's sizes, where
   * each call's overhead dominates). A network defined only from DJL blocks ({@link DjlNetwork})
   * runs on {@link Engine#DJL}.
   */
  public static final Engine DEFAULT_ENGINE = Engine.JAVA;

  /**
   * @param engine the engine, or null for {@link #DEFAULT_ENGINE}
   * @throws IllegalArgumentException for an observation shape no network here takes
   * @throws IllegalStateException when the java engine's Atari kernel cannot run in this JVM (see {@link KernelAssumptions})
   */
  public static ActorCritic create(Engine engine, int[] observationShape, int actionCount) {
    Engine chosen = engine != null ? engine : DEFAULT_ENGINE;
    if (isAtari(observationShape)) {
      return chosen == Engine.JAVA ? new AtariActorCritic(actionCount) : new DjlActorCritic(DjlNetwork.atari(), actionCount);
    }
    if (observationShape.length == 1) {
      return chosen == Engine.JAVA ? new MlpActorCritic(observationShape[0], MLP_HIDDEN, actionCount)
          : new DjlActorCritic(DjlNetwork.mlp(observationShape[0], MLP_HIDDEN), actionCount);
    }
    throw new IllegalArgumentException("no network for observations of shape " + java.util.Arrays.toString(observationShape)
        + ": stacked 4x84x84 frames or a vector");
  }

  private static boolean isAtari(int[] shape) {
    return shape.length == 3 && shape[0] == AtariActorCritic.FRAMES && shape[1] == AtariActorCritic.SIZE
        && shape[2] == AtariActorCritic.SIZE;
  }
}
