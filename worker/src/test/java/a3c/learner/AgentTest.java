package a3c.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.model.ActorCritic;
import a3c.model.AtariActorCritic;
import a3c.model.MlpActorCritic;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AgentTest {

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
      Agent agent = new Agent(model, seed);
      Rollout rollout = new Rollout(LearnerConfig.defaults().rolloutLength(), model.actionCount());
      int[] actions = new int[observations.length];
      for (int t = 0; t < observations.length; t++) {
        actions[t] = agent.act(observations[t], rollout);
        rollout.record(0f, t == 5);
        if (t == 5) {
          agent.resetRecurrentState();
        }
      }
      return actions;
    }
  }

  @Test
  void act_twiceWithoutRecordIsRefused() {
    try (ActorCritic model = new MlpActorCritic(4, 128, 2)) {
      A3cLearner learner = new A3cLearner(model, LearnerConfig.defaults());
      Agent agent = new Agent(model, 1);
      Rollout rollout = learner.newRollout();
      agent.act(new float[4], rollout);
      assertThrows(IllegalStateException.class, () -> agent.act(new float[4], rollout));
      assertThrows(IllegalStateException.class, () -> learner.gradients(rollout, agent.value(new float[4]),
          A3cLearner.buffersFor(model.parameters())));
      assertThrows(IllegalArgumentException.class, () -> agent.greedyAction(new float[5]));
    }
  }

  @Test
  void greedyAction_withProbabilities_writesTheSoftmaxItTakesTheMostProbableActionOf() {
    try (ActorCritic model = new MlpActorCritic(4, 8, 6)) {
      Agent agent = new Agent(model, 1);
      model.initialize(3);
      Random random = new Random(7);
      float[] probabilities = new float[6];
      for (int trial = 0; trial < 20; trial++) {
        float[] observation = {random.nextFloat() * 4 - 2, random.nextFloat() * 4 - 2, random.nextFloat() - 0.5f, 0};
        int action = agent.greedyAction(observation, probabilities);
        assertEquals(action, agent.greedyAction(observation), "the same choice without probabilities");
        double sum = 0;
        for (float p : probabilities) {
          assertTrue(p > 0 && p < 1, java.util.Arrays.toString(probabilities));
          sum += p;
        }
        assertEquals(1.0, sum, 1e-5);
        assertEquals(Sampling.argmax(probabilities), action);
      }
      assertThrows(IllegalArgumentException.class, () -> agent.greedyAction(new float[4], new float[5]));
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
      A3cLearner learner = new A3cLearner(model, config);
      Agent agent = new Agent(model, 1);
      Rollout rollout = learner.newRollout();
      model.initialize(2);
      for (int t = 0; t < 3; t++) {
        agent.act(new float[] {0.1f, 0, -0.1f, 0}, rollout);
        rollout.record(1f, false);
      }
      assertTrue(rollout.full());
      assertThrows(IllegalStateException.class, () -> agent.act(new float[4], rollout));
      LearnerStats stats = learner.gradients(rollout, agent.value(new float[4]), A3cLearner.buffersFor(model.parameters())).stats();
      assertEquals(3, stats.steps());
      assertTrue(stats.entropy() > 0 && stats.entropy() <= Math.log(2) + 1e-6, "entropy " + stats);
      assertTrue(!rollout.full());
    }
  }

  @Test
  void value_leavesTheLstmStateAsItWas() {
    try (ActorCritic model = new AtariActorCritic(6)) {
      model.initialize(4);
      float[][] observations = Replay.randomObservations(new Random(8), 3, 4 * 84 * 84);
      float[] plain = greedyProbabilities(new Agent(model, 1), observations[0], null, observations[1]);
      float[] afterValue = greedyProbabilities(new Agent(model, 1), observations[0], observations[2], observations[1]);
      assertArrayEquals(plain, afterValue, "a bootstrap value in between changes nothing");
      Agent stepped = new Agent(model, 1);
      stepped.greedyAction(observations[0]);
      stepped.greedyAction(observations[2]);
      float[] afterStep = new float[6];
      stepped.greedyAction(observations[1], afterStep);
      assertTrue(!java.util.Arrays.equals(plain, afterStep), "a step in between does change the state");
    }
  }

  /** Plays {@code first} greedily, asks the value of {@code between} unless null, returns the policy at {@code last}. */
  private static float[] greedyProbabilities(Agent agent, float[] first, float[] between, float[] last) {
    agent.greedyAction(first);
    if (between != null) {
      agent.value(between);
    }
    float[] probabilities = new float[6];
    agent.greedyAction(last, probabilities);
    return probabilities;
  }

  @Test
  void resetRecurrentState_playsOnAsAFreshAgent() {
    try (ActorCritic model = new AtariActorCritic(6)) {
      model.initialize(5);
      float[][] observations = Replay.randomObservations(new Random(9), 3, 4 * 84 * 84);
      Agent played = new Agent(model, 1);
      played.greedyAction(observations[0]);
      played.greedyAction(observations[1]);
      float[] carried = new float[6];
      played.greedyAction(observations[2], carried);
      played.resetRecurrentState();
      float[] reset = new float[6];
      played.greedyAction(observations[2], reset);
      float[] fresh = new float[6];
      new Agent(model, 2).greedyAction(observations[2], fresh);
      assertArrayEquals(fresh, reset);
      assertTrue(!java.util.Arrays.equals(fresh, carried), "the carried LSTM state matters");
    }
  }
}
