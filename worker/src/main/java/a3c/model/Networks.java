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
   * The engine a network runs on when {@code --engine} is not given: {@link Engine#JAVA} for the
   * reference's Atari network, whose kernel is the fast path, {@link Engine#DJL} for anything else.
   */
  public static Engine defaultEngine(int[] observationShape) {
    return isAtari(observationShape) ? Engine.JAVA : Engine.DJL;
  }

  /**
   * @param engine the engine, or null for {@link #defaultEngine}
   * @throws IllegalArgumentException for an observation shape no network here takes
   * @throws IllegalStateException when the java engine's Atari kernel cannot run in this JVM (see {@link KernelAssumptions})
   */
  public static ActorCritic create(Engine engine, int[] observationShape, int actionCount) {
    Engine chosen = engine != null ? engine : defaultEngine(observationShape);
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
