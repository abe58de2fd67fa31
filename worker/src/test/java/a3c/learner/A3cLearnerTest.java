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
  void gradients_mlpGradientsMatchFiniteDifferences(Engine engine) {
    try (ActorCritic model = engine == Engine.JAVA ? new MlpActorCritic(3, 8, 3) : new DjlActorCritic(DjlNetwork.mlp(3, 8), 3)) {
      A3cLearner learner = new A3cLearner(model, UNCLIPPED);
      Agent agent = new Agent(model, 5);
      Rollout rollout = learner.newRollout();
      model.initialize(11);
      Random random = new Random(3);
      Replay replay = new Replay(agent, rollout, model, UNCLIPPED.gamma(), Replay.randomObservations(random, 5, 3),
          new float[] {1, 0, -2, 0.5f, 0}, new boolean[] {false, false, true, false, false},
          new float[] {0.1f, 0.2f, 0.3f});
      List<float[]> gradients = Replay.floats(replay.learn(learner, model).tensors());
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
  void gradients_atariGradientsMatchFiniteDifferences(Engine engine) {
    try (ActorCritic model = Networks.create(engine, new int[] {4, 84, 84}, 4)) {
      A3cLearner learner = new A3cLearner(model, UNCLIPPED);
      Agent agent = new Agent(model, 5);
      Rollout rollout = learner.newRollout();
      model.initialize(12);
      Random random = new Random(4);
      Replay replay = new Replay(agent, rollout, model, UNCLIPPED.gamma(), Replay.randomObservations(random, 4, 4 * 84 * 84),
          new float[] {0, 1, 0, -1}, new boolean[] {false, true, false, false},
          Replay.randomObservations(random, 1, 4 * 84 * 84)[0]);
      List<float[]> gradients = Replay.floats(replay.learn(learner, model).tensors());
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
  void gradients_clipsTheGlobalNormOverTheLimitOnly() {
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
      A3cLearner learner = new A3cLearner(model, config);
      Agent agent = new Agent(model, 9);
      Rollout rollout = learner.newRollout();
      Replay replay = new Replay(agent, rollout, model, UNCLIPPED.gamma(), observations, rewards, dones, observations[0]);
      Gradients gradients = replay.learn(learner, model);
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
  void gradients_givenBuffersGetTheSameGradients_unfitOnesAreRejected() {
    try (ActorCritic model = new MlpActorCritic(3, 8, 3)) {
      model.initialize(1);
      float[][] observations = Replay.randomObservations(new Random(2), 4, 3);
      float[] rewards = {1, 0, -1, 1};
      boolean[] dones = {false, true, false, false};
      List<float[]> own;
      {
        A3cLearner learner = new A3cLearner(model, UNCLIPPED);
        Replay replay = new Replay(new Agent(model, 9), learner.newRollout(), model, UNCLIPPED.gamma(), observations,
            rewards, dones, observations[0]);
        own = Replay.floats(replay.learn(learner, model).tensors());
      }
      List<ByteBuffer> targets = model.parameters().stream()
          .map(spec -> ByteBuffer.allocateDirect(spec.elementCount() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN)).toList();
      {
        A3cLearner learner = new A3cLearner(model, UNCLIPPED);
        Agent agent = new Agent(model, 9);
        Rollout rollout = learner.newRollout();
        new Replay(agent, rollout, model, UNCLIPPED.gamma(), observations, rewards, dones, observations[0]).learn(learner, targets);
        List<float[]> exported = Replay.floats(targets);
        double norm = 0;
        for (int p = 0; p < own.size(); p++) {
          assertArrayEquals(own.get(p), exported.get(p), model.parameters().get(p).name());
          for (float g : exported.get(p)) {
            norm += Math.abs(g);
          }
        }
        assertTrue(norm > 0, "the rollout has a gradient");
        // A full rollout again: the buffers are what is refused.
        new Replay(agent, rollout, model, UNCLIPPED.gamma(), observations, rewards, dones, observations[0]);
        List<ByteBuffer> heap = model.parameters().stream()
            .map(spec -> ByteBuffer.allocate(spec.elementCount() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN)).toList();
        assertThrows(IllegalArgumentException.class, () -> learner.gradients(rollout, 0f, heap));
        assertThrows(IllegalArgumentException.class, () -> learner.gradients(rollout, 0f, targets.subList(1, targets.size())));
        assertThrows(IllegalArgumentException.class, () -> learner.gradients(rollout, 0f,
            targets.stream().map(b -> ByteBuffer.allocateDirect(b.capacity() + 4).order(ByteOrder.LITTLE_ENDIAN)).toList()));
      }
    }
  }

  @Test
  void gradients_sgdStepsLowerTheLoss() {
    try (ActorCritic model = new AtariActorCritic(3)) {
      A3cLearner learner = new A3cLearner(model, UNCLIPPED);
      Agent agent = new Agent(model, 8);
      Rollout rollout = learner.newRollout();
      model.initialize(5);
      Random random = new Random(6);
      float[][] observations = Replay.randomObservations(random, 6, 4 * 84 * 84);
      Replay replay = new Replay(agent, rollout, model, UNCLIPPED.gamma(), observations,
          new float[] {0, 0, 1, 0, -1, 1}, new boolean[] {false, false, false, true, false, false},
          observations[0]);
      double before = replay.loss(model, UNCLIPPED);
      List<float[]> gradients = Replay.floats(replay.learn(learner, model).tensors());
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
}
