package a3c.worker;

import a3c.learner.LearnerConfig;
import a3c.model.Engine;
import a3c.model.Torch;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The learner's flags, named and defaulted as in the reference's {@code main.py}: one definition for
 * {@code scripts/worker}, {@code scripts/launcher} (which passes them on to its workers with {@link #args()})
 * and {@code scripts/bench-worker}.
 */
public final class LearnerOptions {
  @Option(names = "--gamma", description = "discount factor for rewards (default: ${DEFAULT-VALUE})")
  float gamma = 0.99f;

  @Option(names = "--entropy-coef", description = "entropy term coefficient (default: ${DEFAULT-VALUE})")
  float entropyCoef = 0.01f;

  @Option(names = "--value-loss-coef", description = "value loss coefficient (default: ${DEFAULT-VALUE})")
  float valueLossCoef = 0.5f;

  @Option(names = "--max-grad-norm", description = "clip the gradients' global norm to this (default: ${DEFAULT-VALUE})")
  float maxGradNorm = 40f;

  @Option(names = "--seed", description = "random seed; worker i plays with seed + i (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--rs", description = "rollout size before updating (default: ${DEFAULT-VALUE})")
  int rolloutLength = 20;

  @Option(names = "--ep-length", description = "maximum episode length in agent steps (default: 4e10, i.e. none)")
  double epLength = 4e10;

  @Option(names = "--sync-updates", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "wait for the worker's own update before its next rollout, as the reference does; with "
          + "--no-sync-updates the push overlaps the next rollout, which then acts on weights that lack the "
          + "worker's newest update (default: ${DEFAULT-VALUE})")
  boolean syncUpdates;

  @Option(names = "--engine", paramLabel = "java|djl", description = "the network engine: java runs the hand-written "
      + "plain-Java passes and never loads libtorch; djl runs the network as DJL blocks with libtorch's autograd "
      + "(default: java; both of this project's networks have plain-Java passes)")
  String engine;

  /** The validated hyper-parameters; a bad value throws with the flag's name. */
  public LearnerConfig learnerConfig() {
    Engine chosen = engine == null ? null : Engine.parse(engine);
    if (chosen == Engine.DJL && !Torch.available(LearnerOptions.class.getClassLoader(), System.getenv("PYTORCH_LIBRARY_PATH"))) {
      throw new IllegalArgumentException("--engine djl needs libtorch, which this installation lacks (a bundle made "
          + "without scripts/bundle --with-libtorch): use --engine java, or set PYTORCH_LIBRARY_PATH to a libtorch");
    }
    return new LearnerConfig(gamma, entropyCoef, valueLossCoef, maxGradNorm, rolloutLength, chosen);
  }

  /** {@code --ep-length} as a step count; 0 for none. */
  public int maxEpisodeSteps() {
    if (!(epLength >= 0)) {
      throw new IllegalArgumentException("--ep-length must be >= 0, got " + epLength);
    }
    return epLength >= Integer.MAX_VALUE ? 0 : (int) epLength;
  }

  public long seed() {
    return seed;
  }

  public boolean syncUpdates() {
    return syncUpdates;
  }

  /** These values as a worker's flags, after checking them. */
  public List<String> args() {
    learnerConfig();
    maxEpisodeSteps();
    List<String> args = new ArrayList<>(List.of("--gamma", Float.toString(gamma), "--entropy-coef", Float.toString(entropyCoef),
        "--value-loss-coef", Float.toString(valueLossCoef), "--max-grad-norm", Float.toString(maxGradNorm),
        "--seed", Long.toString(seed), "--rs", Integer.toString(rolloutLength), "--ep-length", Double.toString(epLength),
        syncUpdates ? "--sync-updates" : "--no-sync-updates"));
    if (engine != null) {
      args.addAll(List.of("--engine", engine));
    }
    return args;
  }
}
