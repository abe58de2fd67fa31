package a3c.env;

/**
 * One episodic environment that a single worker thread steps; implementations are not thread-safe.
 *
 * <p>Observations are written into a caller-owned {@code float[]} of {@code product(observationShape())}
 * floats so the acting loop allocates nothing per step.
 */
public interface Environment extends AutoCloseable {

  /** The Gym id, e.g. {@code "PongNoFrameskip-v4"}. */
  String name();

  /** The observation shape: {@code {4, 84, 84}} for Atari, {@code {4}} for CartPole. */
  int[] observationShape();

  /** The number of floats in one observation. */
  default int observationSize() {
    int size = 1;
    for (int dim : observationShape()) {
      size *= dim;
    }
    return size;
  }

  /** The number of discrete actions; actions are {@code 0 .. actionCount() - 1}. */
  int actionCount();

  /** Emulator frames per agent step: 4 for Atari, 1 for CartPole. */
  int framesPerStep();

  /** Starts a new episode and writes its first observation. */
  void reset(float[] observation);

  /** Takes one agent step and writes the next observation. */
  StepResult step(int action, float[] observation);

  /** Time spent so far turning emulator screens into observations, for benchmarks; 0 if not measured. */
  default long preprocessNanos() {
    return 0;
  }

  @Override
  void close();
}
