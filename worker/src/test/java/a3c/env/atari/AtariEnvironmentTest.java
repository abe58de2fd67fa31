package a3c.env.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.env.StepResult;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.bytedeco.ale.ALEInterface;
import org.junit.jupiter.api.Test;

class AtariEnvironmentTest {

  private static final String PONG = "PongNoFrameskip-v4";

  private static AtariEnvironment pong(long seed, int maxEpisodeSteps) {
    Path rom = Roms.locate(PONG, TestRoms.dir());
    return AtariEnvironment.open(PONG, rom, seed, maxEpisodeSteps);
  }

  @Test
  void pong_hasSixMinimalActionsAndStackedShape() {
    try (AtariEnvironment env = pong(1, 0)) {
      assertEquals(PONG, env.name());
      assertEquals(6, env.actionCount());
      assertArrayEquals(
          new String[] {"NOOP", "FIRE", "RIGHT", "LEFT", "RIGHTFIRE", "LEFTFIRE"}, env.actionMeanings());
      assertArrayEquals(new int[] {4, 84, 84}, env.observationShape());
      assertEquals(4, env.framesPerStep());
    }
  }

  @Test
  void pong_randomEpisodeRunsToGameOver() {
    try (AtariEnvironment env = pong(7, 0)) {
      float[] observation = new float[4 * 84 * 84];
      env.reset(observation);
      assertInUnitRange(observation);
      // The first observation is one frame repeated four times.
      float[] first = Arrays.copyOfRange(observation, 0, 84 * 84);
      for (int channel = 1; channel < 4; channel++) {
        assertArrayEquals(first, Arrays.copyOfRange(observation, channel * 84 * 84, (channel + 1) * 84 * 84));
      }
      SplittableRandom policy = new SplittableRandom(3);
      double score = 0;
      long frames = 0;
      int steps = 0;
      int pointsScored = 0;
      StepResult result;
      do {
        result = env.step(policy.nextInt(env.actionCount()), observation);
        assertEquals(Math.rint(result.reward()), result.reward(), "Pong rewards are whole points");
        assertTrue(result.frames() >= 1 && result.frames() <= 4, "frames " + result.frames());
        assertTrue(result.done() || result.frames() == 4, "only the last step may be short");
        if (result.reward() != 0) {
          pointsScored++;
        }
        score += result.reward();
        frames += result.frames();
        steps++;
      } while (!result.done() && steps < 20_000);
      assertTrue(result.done(), "a random Pong game ends well within 20,000 steps");
      assertInUnitRange(observation);
      assertTrue(score >= -21 && score <= 21, "score " + score);
      assertTrue(pointsScored >= 21, "a game lasts until one side has 21 points, saw " + pointsScored);
      assertTrue(frames > 4L * (steps - 1) && frames <= 4L * steps, "frames " + frames + " for " + steps + " steps");
      byte[] rgb = new byte[210 * 160 * 3];
      env.copyRgbFrame(rgb);
      assertTrue(distinctValues(rgb) > 1, "the last screen is not blank");
      assertThrows(IllegalStateException.class, () -> env.step(0, observation));
    }
  }

  @Test
  void eachStep_observesTheMaxOfItsLastTwoScreens_asAnEmulatorSteppedByHandShows() {
    long seed = 5;
    Path rom = Roms.locate(PONG, TestRoms.dir());
    ALEInterface twin = new ALEInterface();
    try (AtariEnvironment env = pong(seed, 0)) {
      // The twin is set up and reset as AtariEnvironment does it, then stepped one frame at a time.
      twin.setInt("random_seed", (int) ((seed ^ (seed >>> 32)) & 0x7fffffff));
      twin.setInt("frame_skip", 1);
      twin.setFloat("repeat_action_probability", 0f);
      twin.setInt("max_num_frames_per_episode", AtariEnvironment.MAX_EPISODE_FRAMES);
      twin.loadROM(rom.toString());
      int[] actions = new int[env.actionCount()];
      twin.getMinimalActionSet().get(actions);
      AleScreen screen = new AleScreen(twin);
      AtariPreprocessor preprocessor = new AtariPreprocessor(screen.palette());
      twin.reset_game();
      for (int i = new SplittableRandom(seed).nextInt(1, AtariEnvironment.NOOP_MAX + 1); i > 0; i--) {
        twin.act(actions[0]);
      }
      float[] observation = new float[4 * 84 * 84];
      float[] expected = new float[4 * 84 * 84];
      byte[] third = new byte[AleScreen.WIDTH * AleScreen.HEIGHT];
      byte[] fourth = new byte[AleScreen.WIDTH * AleScreen.HEIGHT];
      byte[] frame = new byte[84 * 84];
      FrameStack stack = new FrameStack(4, 84 * 84);
      env.reset(observation);
      for (int step = 0; step < 60; step++) {
        int action = step % actions.length;
        StepResult result = env.step(action, observation);
        int reward = 0;
        for (int f = 1; f <= 4; f++) {
          reward += twin.act(actions[action]);
          screen.read(f == 3 ? third : fourth);
        }
        assertFalse(result.done());
        assertEquals(reward, result.reward(), "step " + step);
        preprocessor.processMax(third, fourth, frame);
        stack.fill(frame);
        stack.write(expected);
        int newest = 3 * 84 * 84;
        assertArrayEquals(Arrays.copyOfRange(expected, newest, expected.length),
            Arrays.copyOfRange(observation, newest, observation.length), "step " + step);
      }
    } finally {
      twin.close();
    }
  }

  @Test
  void sameSeed_sameObservations() {
    float[][] first = run(11, 200);
    float[][] second = run(11, 200);
    for (int step = 0; step < first.length; step++) {
      assertArrayEquals(first[step], second[step], "step " + step);
    }
  }

  @Test
  void differentSeeds_startDifferently() {
    // Pong itself is deterministic, so only the seeded no-op count (1..30) can tell two seeds apart;
    // two seeds may draw the same count, hence 3 of 4 pairs rather than all.
    int differing = 0;
    for (long seed = 0; seed < 4; seed++) {
      if (!Arrays.equals(run(seed, 30)[30], run(seed + 100, 30)[30])) {
        differing++;
      }
    }
    assertTrue(differing >= 3, "observations differed for only " + differing + " of 4 seed pairs");
  }

  @Test
  void stepCap_endsTheEpisode() {
    try (AtariEnvironment env = pong(5, 10)) {
      float[] observation = new float[4 * 84 * 84];
      env.reset(observation);
      for (int step = 1; step < 10; step++) {
        assertFalse(env.step(0, observation).done(), "step " + step);
      }
      assertTrue(env.step(0, observation).done());
      env.reset(observation);
      assertFalse(env.step(0, observation).done(), "a reset starts a new capped episode");
    }
  }

  @Test
  void emulatorFrameCap_endsTheEpisode() {
    Path rom = Roms.locate(PONG, TestRoms.dir());
    try (AtariEnvironment env = AtariEnvironment.open(PONG, rom, 5, 0, 200)) {
      float[] observation = new float[4 * 84 * 84];
      env.reset(observation);
      int steps = 0;
      StepResult result;
      do {
        result = env.step(0, observation);
        steps++;
      } while (!result.done() && steps < 1000);
      assertTrue(result.done());
      // The cap counts the episode's frames, no-ops included: 200 frames minus 1..30 no-ops.
      assertTrue(steps >= 43 && steps <= 50, "steps " + steps);
    }
  }

  @Test
  void badAction_rejected() {
    try (AtariEnvironment env = pong(1, 0)) {
      float[] observation = new float[4 * 84 * 84];
      env.reset(observation);
      assertThrows(IllegalArgumentException.class, () -> env.step(6, observation));
      assertThrows(IllegalArgumentException.class, () -> env.step(-1, observation));
    }
  }

  /** Observations after reset (index 0) and after each of {@code steps} steps of a seeded random policy. */
  private static float[][] run(long seed, int steps) {
    try (AtariEnvironment env = pong(seed, 0)) {
      float[][] observations = new float[steps + 1][4 * 84 * 84];
      env.reset(observations[0]);
      SplittableRandom policy = new SplittableRandom(99);
      for (int step = 1; step <= steps; step++) {
        env.step(policy.nextInt(env.actionCount()), observations[step]);
      }
      return observations;
    }
  }

  private static void assertInUnitRange(float[] observation) {
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float value : observation) {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    assertTrue(min >= 0f && max <= 1f, "range " + min + ".." + max);
    assertTrue(max > min, "the observation is not constant");
  }

  private static long distinctValues(byte[] bytes) {
    boolean[] seen = new boolean[256];
    long count = 0;
    for (byte value : bytes) {
      if (!seen[value & 0xFF]) {
        seen[value & 0xFF] = true;
        count++;
      }
    }
    return count;
  }
}
