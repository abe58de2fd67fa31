package a3c.learner;

import a3c.model.ActorCritic;
import a3c.model.AtariActorCritic;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

/**
 * Times the learner's hot paths on the Atari network with random observations.
 *
 * <p>Run: {@code mvn -q -o -pl worker exec:java}-free, e.g.
 * {@code java -cp <worker classpath> a3c.learner.LearnerBench [rollouts]}.
 */
public final class LearnerBench {

  private LearnerBench() {}

  public static void main(String[] args) {
    int rollouts = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    LearnerConfig config = LearnerConfig.defaults();
    try (ActorCritic model = new AtariActorCritic(6);
        A3cLearner learner = new A3cLearner(model, config, 1)) {
      model.initialize(1);
      Random random = new Random(2);
      float[] observation = new float[4 * 84 * 84];
      for (int i = 0; i < observation.length; i++) {
        observation[i] = random.nextFloat();
      }
      List<ByteBuffer> weights = model.exportWeights().stream()
          .map(ByteBuffer::asReadOnlyBuffer).toList();
      long actNanos = 0;
      long finishNanos = 0;
      long loadNanos = 0;
      long exportNanos = 0;
      long copyGradientsNanos = 0;
      int warmup = rollouts / 5;
      for (int r = 0; r < rollouts + warmup; r++) {
        boolean timed = r >= warmup;
        long t0 = System.nanoTime();
        learner.loadWeights(weights);
        long t1 = System.nanoTime();
        for (int t = 0; t < config.rolloutLength(); t++) {
          learner.act(observation);
          learner.record(random.nextFloat() - 0.5f, t == 7);
        }
        long t2 = System.nanoTime();
        Gradients gradients = learner.finishRollout(observation);
        long t3 = System.nanoTime();
        List<ByteBuffer> exported = model.exportWeights();
        long t4 = System.nanoTime();
        long bytes = 0;
        for (ByteBuffer tensor : gradients.tensors()) {
          byte[] copy = new byte[tensor.remaining()];
          tensor.duplicate().get(copy);
          bytes += copy.length;
        }
        long t5 = System.nanoTime();
        if (timed) {
          loadNanos += t1 - t0;
          actNanos += t2 - t1;
          finishNanos += t3 - t2;
          exportNanos += t4 - t3;
          copyGradientsNanos += t5 - t4;
        }
        if (r == rollouts + warmup - 1) {
          System.out.printf("last stats %s, %d exported tensors, %d gradient bytes%n",
              gradients.stats(), exported.size(), bytes);
        }
      }
      double steps = (double) rollouts * config.rolloutLength();
      System.out.printf("act %.3f ms/step%n", actNanos / 1e6 / steps);
      System.out.printf("finishRollout %.3f ms/rollout of %d%n", finishNanos / 1e6 / rollouts,
          config.rolloutLength());
      System.out.printf("loadWeights %.3f ms%n", loadNanos / 1e6 / rollouts);
      System.out.printf("exportWeights %.3f ms%n", exportNanos / 1e6 / rollouts);
      System.out.printf("copy gradients to byte[] %.3f ms%n", copyGradientsNanos / 1e6 / rollouts);
      System.out.printf("learner steps/s (no env, no RPC) %.0f%n",
          steps / ((actNanos + finishNanos + loadNanos) / 1e9));
    }
  }
}
