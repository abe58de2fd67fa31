package a3c.env.cartpole;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.env.StepResult;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CartPoleTest {

  private final float[] observation = new float[4];

  @Test
  void shape() {
    CartPole env = new CartPole(0, 0);
    assertEquals("CartPole-v1", env.name());
    assertArrayEquals(new int[] {4}, env.observationShape());
    assertEquals(2, env.actionCount());
    assertEquals(1, env.framesPerStep());
  }

  @Test
  void step_fromRest_pushRight_matchesHandComputedEuler() {
    CartPole env = new CartPole(0, 0);
    env.setState(0, 0, 0, 0);
    StepResult result = env.step(1, observation);
    // temp = 10 / 1.1 = 9.090909; thetaacc = -temp / (0.5 * (4/3 - 0.1/1.1)) = -14.634146;
    // xacc = temp - 0.05 * thetaacc / 1.1 = 9.756098. Euler moves x and theta with the old velocities.
    assertEquals(0f, observation[0]);
    assertEquals(0.19512195f, observation[1], 1e-7f);
    assertEquals(0f, observation[2]);
    assertEquals(-0.29268293f, observation[3], 1e-7f);
    assertEquals(new StepResult(1.0, false, 1), result);
  }

  @Test
  void step_tilted_pushLeft_matchesHandComputedEuler() {
    CartPole env = new CartPole(0, 0);
    env.setState(0.1, 0.2, 0.05, -0.3);
    env.step(0, observation);
    double cos = Math.cos(0.05);
    double sin = Math.sin(0.05);
    double temp = (-10 + 0.05 * 0.09 * sin) / 1.1;
    double thetaAcc = (9.8 * sin - cos * temp) / (0.5 * (4.0 / 3.0 - 0.1 * cos * cos / 1.1));
    double xAcc = temp - 0.05 * thetaAcc * cos / 1.1;
    assertEquals((float) (0.1 + 0.02 * 0.2), observation[0]);
    assertEquals((float) (0.2 + 0.02 * xAcc), observation[1]);
    assertEquals((float) (0.05 + 0.02 * -0.3), observation[2]);
    assertEquals((float) (-0.3 + 0.02 * thetaAcc), observation[3]);
    // Pushing left against a pole leaning right makes it fall faster: about +0.3 rad/s^2 more.
    assertTrue(observation[3] > -0.3f);
  }

  @Test
  void termination_atPositionAndAngleBounds() {
    CartPole env = new CartPole(0, 0);
    env.setState(2.39, 1.0, 0, 0);
    assertTrue(env.step(1, observation).done(), "x = 2.41 is past 2.4");
    env.setState(2.39, 0.4, 0, 0);
    assertFalse(env.step(1, observation).done(), "x = 2.398 is inside");
    double twelveDegrees = 12 * 2 * Math.PI / 360;
    env.setState(0, 0, twelveDegrees - 0.001, 0.1);
    assertTrue(env.step(1, observation).done(), "theta past 12 degrees");
    env.setState(0, 0, -twelveDegrees + 0.001, -0.1);
    StepResult fell = env.step(0, observation);
    assertTrue(fell.done(), "theta past -12 degrees");
    assertEquals(1.0, fell.reward(), "the terminal step is rewarded too");
    assertThrows(IllegalStateException.class, () -> env.step(0, observation));
  }

  @Test
  void truncation_at500Steps() {
    assertEquals(500, balancedSteps(new CartPole(0, 0)));
  }

  @Test
  void maxEpisodeSteps_truncatesEarlier() {
    assertEquals(37, balancedSteps(new CartPole(0, 37)));
    assertEquals(500, balancedSteps(new CartPole(0, 900)));
  }

  @Test
  void reset_startsUniformlyWithin005() {
    CartPole env = new CartPole(42, 0);
    for (int episode = 0; episode < 100; episode++) {
      env.reset(observation);
      for (float value : observation) {
        assertTrue(value >= -0.05f && value <= 0.05f, "initial value " + value);
      }
    }
  }

  @Test
  void reset_sameSeedSameStart_otherSeedOtherStart() {
    float[] other = new float[4];
    new CartPole(3, 0).reset(observation);
    new CartPole(3, 0).reset(other);
    assertArrayEquals(observation, other);
    new CartPole(4, 0).reset(other);
    assertFalse(java.util.Arrays.equals(observation, other));
  }

  @Test
  void randomPolicy_averagesAbout22Steps() {
    CartPole env = new CartPole(1, 0);
    SplittableRandom policy = new SplittableRandom(2);
    long steps = 0;
    for (int episode = 0; episode < 1000; episode++) {
      env.reset(observation);
      boolean done;
      do {
        done = env.step(policy.nextInt(2), observation).done();
        steps++;
      } while (!done);
    }
    double mean = steps / 1000.0;
    assertTrue(mean >= 15 && mean <= 30, "mean episode length " + mean);
  }

  @Test
  void badArguments_rejected() {
    CartPole env = new CartPole(0, 0);
    env.reset(observation);
    assertThrows(IllegalArgumentException.class, () -> env.step(2, observation));
    assertThrows(IllegalArgumentException.class, () -> env.reset(new float[3]));
    assertThrows(IllegalArgumentException.class, () -> new CartPole(0, -1));
  }

  /** Steps of an episode kept balanced by pushing against the pole's angular velocity. */
  private int balancedSteps(CartPole env) {
    env.reset(observation);
    int steps = 0;
    boolean done;
    do {
      int action = observation[2] + 0.5f * observation[3] > 0 ? 1 : 0;
      done = env.step(action, observation).done();
      steps++;
    } while (!done && steps < 10_000);
    return steps;
  }
}
