package a3c.learner;

import a3c.machine.Machine;
import a3c.model.ActorCritic;
import a3c.model.AtariActorCritic;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Times the learner's hot paths on the Atari network with random observations, and prints the
 * median and the fastest of each (medians, because the machines these run on are shared).
 *
 * <p>Run with the worker's runtime class path: {@code java -cp ... a3c.learner.LearnerBench [rollouts]}.
 */
public final class LearnerBench {

  private LearnerBench() {}

  public static void main(String[] args) {
    int rollouts = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    LearnerConfig config = LearnerConfig.defaults();
    int steps = config.rolloutLength();
    double[] act = new double[rollouts];
    double[] learn = new double[rollouts];
    double[] load = new double[rollouts];
    double[] export = new double[rollouts];
    try (ActorCritic model = new AtariActorCritic(6)) {
      Agent agent = new Agent(model, 1);
      A3cLearner learner = new A3cLearner(model, config);
      Rollout rollout = learner.newRollout();
      List<ByteBuffer> gradients = A3cLearner.buffersFor(model.parameters());
      model.initialize(1);
      Random random = new Random(2);
      float[] observation = new float[4 * 84 * 84];
      for (int i = 0; i < observation.length; i++) {
        observation[i] = random.nextFloat();
      }
      // Read-only heap buffers, as the weights arrive from protobuf.
      List<ByteBuffer> weights =
          model.exportWeights().stream().map(ByteBuffer::asReadOnlyBuffer).toList();
      LearnerStats stats = null;
      for (int r = -rollouts / 5; r < rollouts; r++) {
        long t0 = System.nanoTime();
        model.loadWeights(weights);
        long t1 = System.nanoTime();
        for (int t = 0; t < steps; t++) {
          agent.act(observation, rollout);
          rollout.record(random.nextFloat() - 0.5f, t == 7);
          if (t == 7) {
            agent.resetRecurrentState();
          }
        }
        long t2 = System.nanoTime();
        stats = learner.gradients(rollout, agent.value(observation), gradients).stats();
        long t3 = System.nanoTime();
        model.exportWeights();
        long t4 = System.nanoTime();
        if (r >= 0) {
          load[r] = (t1 - t0) / 1e6;
          act[r] = (t2 - t1) / 1e6 / steps;
          learn[r] = (t3 - t2) / 1e6;
          export[r] = (t4 - t3) / 1e6;
        }
      }
      System.out.println("last rollout: " + stats);
    }
    System.out.println(Machine.current());
    System.out.printf(Locale.ROOT, "%d rollouts of %d steps, Atari net, %d actions%n", rollouts, steps, 6);
    report("act (per step)", act);
    report("gradients", learn);
    report("loadWeights", load);
    report("exportWeights", export);
    double perStep = median(act) + (median(learn) + median(load)) / steps;
    System.out.printf(Locale.ROOT, "learner alone: %.0f steps/s at the medians%n", 1000 / perStep);
  }

  private static void report(String name, double[] millis) {
    System.out.printf(Locale.ROOT, "%-16s median %.3f ms, fastest %.3f ms%n", name, median(millis),
        Arrays.stream(millis).min().orElseThrow());
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
