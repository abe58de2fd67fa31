package a3c.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.model.ActorCritic;
import a3c.model.AtariActorCritic;
import a3c.model.DjlActorCritic;
import a3c.model.DjlNetwork;
import a3c.model.Engine;
import a3c.model.MlpActorCritic;
import a3c.model.Networks;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class A3cLearnerTest {

  private static final LearnerConfig UNCLIPPED = new LearnerConfig(0.9f, 0.01f, 0.5f, 1e9f, 20);

  @ParameterizedTest
  @EnumSource(Engine.class)
  void finishRollout_mlpGradientsMatchFiniteDifferences(Engine engine) {
    try (ActorCritic model = engine == Engine.JAVA ? new MlpActorCritic(3, 8, 3) : new DjlActorCritic(DjlNetwork.mlp(3, 8), 3)) {
      A3cLearner learner = new A3cLearner(model, UNCLIPPED, 5);
      model.initialize(11);
      Random random = new Random(3);
      Replay replay = new Replay(learner, model, UNCLIPPED.gamma(), Replay.randomObservations(random, 5, 3),
          new float[] {1, 0, -2, 0.5f, 0}, new boolean[] {false, false, true, false, false},
          new float[] {0.1f, 0.2f, 0.3f});
      List<float[]> gradients = Replay.floats(learner.finishRollout(replay.next).tensors());
      List<float[]> weights = Replay.floats(model.exportWeights());
      for (int p = 0; p < weights.size(); p++) {
        for (int i = 0; i < weights.get(p).length; i++) {
          assertFiniteDifference(model, replay, weights, p, i, gradients.get(p)[i], 1e-2f);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void finishRollout_atariGradientsMatchFiniteDifferences(Engine engine) {
    try (ActorCritic model = Networks.create(engine, new int[] {4, 84, 84}, 4)) {
      A3cLearner learner = new A3cLearner(model, UNCLIPPED, 5);
      model.initialize(12);
      Random random = new Random(4);
      Replay replay = new Replay(learner, model, UNCLIPPED.gamma(), Replay.randomObservations(random, 4, 4 * 84 * 84),
          new float[] {0, 1, 0, -1}, new boolean[] {false, true, false, false},
          Replay.randomObservations(random, 1, 4 * 84 * 84)[0]);
      List<float[]> gradients = Replay.floats(learner.finishRollout(replay.next).tensors());
      List<float[]> weights = Replay.floats(model.exportWeights());
      for (int p = 0; p < weights.size(); p++) {
        // The largest coordinate of each tensor, where finite differences are least noisy.
        float[] gradient = gradients.get(p);
        int largest = 0;
        for (int i = 1; i < gradient.length; i++) {
          largest = Math.abs(gradient[i]) > Math.abs(gradient[largest]) ? i : largest;
        }
        // A small step: ReLU kinks are dense in the conv layers.
        assertFiniteDifference(model, replay, weights, p, largest, gradient[largest], 1e-3f);
      }
    }
  }

  private static void assertFiniteDifference(ActorCritic model, Replay replay, List<float[]> weights,
      int parameter, int index, float analytic, float epsilon) {
    float[] tensor = weights.get(parameter);
    float original = tensor[index];
    tensor[index] = original + epsilon;
    model.loadWeights(Replay.buffers(weights));
    double plus = replay.loss(model, UNCLIPPED);
    tensor[index] = original - epsilon;
    model.loadWeights(Replay.buffers(weights));
    double minus = replay.loss(model, UNCLIPPED);
    tensor[index] = original;
    model.loadWeights(Replay.buffers(weights));
    double numeric = (plus - minus) / (2 * epsilon);
    String where = model.parameters().get(parameter).name() + "[" + index + "]";
    assertEquals(numeric, analytic, 3e-3 + 0.03 * Math.abs(numeric), where);
  }

  @Test
  void finishRollout_clipsTheGlobalNormOverTheLimitOnly() {
    try (ActorCritic model = new MlpActorCritic(3, 8, 3)) {
      model.initialize(1);
      float[][] observations = Replay.randomObservations(new Random(1), 4, 3);
      float[] rewards = {1, 1, -1, 1};
      boolean[] dones = new boolean[4];
      float unclipped = gradientNorm(model, UNCLIPPED, observations, rewards, dones, null);
      float limit = unclipped / 4;
      LearnerConfig tight = new LearnerConfig(0.9f, 0.01f, 0.5f, limit, 20);
      gradientNorm(model, tight, observations, rewards, dones, limit);
    }
  }

  /** Runs one rollout; checks the exported norm is the stat, or the limit when given. */
  private static float gradientNorm(ActorCritic model, LearnerConfig config, float[][] observations,
      float[] rewards, boolean[] dones, Float limit) {
    {
      A3cLearner learner = new A3cLearner(model, config, 9);
      Replay replay = new Replay(learner, model, UNCLIPPED.gamma(), observations, rewards, dones, observations[0]);
      Gradients gradients = learner.finishRollout(replay.next);
      double sumOfSquares = 0;
      for (float[] tensor : Replay.floats(gradients.tensors())) {
        for (float g : tensor) {
          sumOfSquares += g * g;
        }
      }
      float exported = (float) Math.sqrt(sumOfSquares);
      float stat = gradients.stats().gradNorm();
      if (limit == null) {
        assertEquals(stat, exported, 1e-4f * stat);
      } else {
        assertTrue(stat > limit, "norm before clipping " + stat + " exceeds " + limit);
        assertEquals(limit, exported, 1e-4f * limit);
      }
      return exported;
    }
  }

  @Test
  void exportGradientsInto_givenBuffersGetTheSameGradients_unfitOnesAreRejected() {
    try (ActorCritic model = new MlpActorCritic(3, 8, 3)) {
      model.initialize(1);
      float[][] observations = Replay.randomObservations(new Random(2), 4, 3);
      float[] rewards = {1, 0, -1, 1};
      boolean[] dones = {false, true, false, false};
      List<float[]> own;
      {
        A3cLearner learner = new A3cLearner(model, UNCLIPPED, 9);
        own = Replay.floats(learner.finishRollout(
            new Replay(learner, model, UNCLIPPED.gamma(), observations, rewards, dones, observations[0]).next).tensors());
      }
      List<ByteBuffer> targets = model.parameters().stream()
          .map(spec -> ByteBuffer.allocateDirect(spec.elementCount() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN)).toList();
      {
        A3cLearner learner = new A3cLearner(model, UNCLIPPED, 9);
        learner.exportGradientsInto(targets);
        learner.finishRollout(new Replay(learner, model, UNCLIPPED.gamma(), observations, rewards, dones, observations[0]).next);
        List<float[]> exported = Replay.floats(targets);
        double norm = 0;
        for (int p = 0; p < own.size(); p++) {
          assertArrayEquals(own.get(p), exported.get(p), model.parameters().get(p).name());
          for (float g : exported.get(p)) {
            norm += Math.abs(g);
          }
        }
        assertTrue(norm > 0, "the rollout has a gradient");
        List<ByteBuffer> heap = model.parameters().stream()
            .map(spec -> ByteBuffer.allocate(spec.elementCount() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN)).toList();
        assertThrows(IllegalArgumentException.class, () -> learner.exportGradientsInto(heap));
        assertThrows(IllegalArgumentException.class, () -> learner.exportGradientsInto(targets.subList(1, targets.size())));
        assertThrows(IllegalArgumentException.class, () -> learner.exportGradientsInto(
            targets.stream().map(b -> ByteBuffer.allocateDirect(b.capacity() + 4).order(ByteOrder.LITTLE_ENDIAN)).toList()));
      }
    }
  }

  @Test
  void act_sameSeedSameActions() {
    try (ActorCritic model = new AtariActorCritic(6)) {
      model.initialize(3);
      float[][] observations = Replay.randomObservations(new Random(5), 12, 4 * 84 * 84);
      assertArrayEquals(actions(model, observations, 21), actions(model, observations, 21));
    }
  }

  private static int[] actions(ActorCritic model, float[][] observations, long seed) {
    {
      A3cLearner learner = new A3cLearner(model, LearnerConfig.defaults(), seed);
      int[] actions = new int[observations.length];
      for (int t = 0; t < observations.length; t++) {
        actions[t] = learner.act(observations[t]);
        learner.record(0f, t == 5);
      }
      return actions;
    }
  }

  @Test
  void finishRollout_sgdStepsLowerTheLoss() {
    try (ActorCritic model = new AtariActorCritic(3)) {
      A3cLearner learner = new A3cLearner(model, UNCLIPPED, 8);
      model.initialize(5);
      Random random = new Random(6);
      float[][] observations = Replay.randomObservations(random, 6, 4 * 84 * 84);
      Replay replay = new Replay(learner, model, UNCLIPPED.gamma(), observations,
          new float[] {0, 0, 1, 0, -1, 1}, new boolean[] {false, false, false, true, false, false},
          observations[0]);
      double before = replay.loss(model, UNCLIPPED);
      List<float[]> gradients = Replay.floats(learner.finishRollout(replay.next).tensors());
      double previous = before;
      for (int update = 0; update < 5; update++) {
        List<float[]> weights = Replay.floats(model.exportWeights());
        for (int p = 0; p < weights.size(); p++) {
          for (int i = 0; i < weights.get(p).length; i++) {
            weights.get(p)[i] -= 1e-3f * gradients.get(p)[i];
          }
        }
        model.loadWeights(Replay.buffers(weights));
        double loss = replay.loss(model, UNCLIPPED);
        assertTrue(loss < previous, "update " + update + ": " + loss + " >= " + previous);
        previous = loss;
      }
      System.out.printf("A3C loss on a fixed rollout: %.4f -> %.4f after 5 SGD steps along its gradient%n", before, previous);
    }
  }

  @Test
  void act_twiceWithoutRecordIsRefused() {
    try (ActorCritic model = new MlpActorCritic(4, 128, 2)) {
      A3cLearner learner = new A3cLearner(model, LearnerConfig.defaults(), 1);
      learner.act(new float[4]);
      assertThrows(IllegalStateException.class, () -> learner.act(new float[4]));
      assertThrows(IllegalStateException.class, () -> learner.finishRollout(new float[4]));
      assertThrows(IllegalArgumentException.class, () -> learner.greedyAction(new float[5]));
    }
  }

  @Test
  void greedyAction_withProbabilities_writesTheSoftmaxItTakesTheMostProbableActionOf() {
    try (ActorCritic model = new MlpActorCritic(4, 8, 6)) {
      A3cLearner learner = new A3cLearner(model, LearnerConfig.defaults(), 1);
      model.initialize(3);
      Random random = new Random(7);
      float[] probabilities = new float[6];
      for (int trial = 0; trial < 20; trial++) {
        float[] observation = {random.nextFloat() * 4 - 2, random.nextFloat() * 4 - 2, random.nextFloat() - 0.5f, 0};
        int action = learner.greedyAction(observation, probabilities);
        assertEquals(action, learner.greedyAction(observation), "the same choice without probabilities");
        double sum = 0;
        for (float p : probabilities) {
          assertTrue(p > 0 && p < 1, java.util.Arrays.toString(probabilities));
          sum += p;
        }
        assertEquals(1.0, sum, 1e-5);
        assertEquals(Sampling.argmax(probabilities), action);
      }
      assertThrows(IllegalArgumentException.class, () -> learner.greedyAction(new float[4], new float[5]));
    }
  }

  @Test
  void softmax_isExpOverItsSum_evenForLargeLogits() {
    float[] probabilities = new float[3];
    Sampling.softmax(new float[] {1000f, 1000f + (float) Math.log(3), 0f}, probabilities);
    assertArrayEquals(new float[] {0.25f, 0.75f, 0f}, probabilities, 1e-4f);
  }

  @Test
  void act_fullRolloutIsRefusedUntilFinished() {
    LearnerConfig config = new LearnerConfig(0.99f, 0.01f, 0.5f, 40f, 3);
    try (ActorCritic model = new MlpActorCritic(4, 128, 2)) {
      A3cLearner learner = new A3cLearner(model, config, 1);
      model.initialize(2);
      for (int t = 0; t < 3; t++) {
        learner.act(new float[] {0.1f, 0, -0.1f, 0});
        learner.record(1f, false);
      }
      assertTrue(learner.rolloutFull());
      assertThrows(IllegalStateException.class, () -> learner.act(new float[4]));
      LearnerStats stats = learner.finishRollout(new float[4]).stats();
      assertEquals(3, stats.steps());
      assertTrue(stats.entropy() > 0 && stats.entropy() <= Math.log(2) + 1e-6, "entropy " + stats);
      assertTrue(!learner.rolloutFull());
    }
  }
}
