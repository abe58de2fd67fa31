package a3c.env.atari;

import a3c.env.StepResult;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.bytedeco.ale.ALEInterface;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * Measures Pong steps per second and the preprocessing cost per step on one thread; not a test.
 *
 * <p>Run with the test classpath and the ROM directory as the only argument.
 */
public final class AtariBenchmark {

  private static final int ITERATIONS = 20_000;

  private AtariBenchmark() {}

  public static void main(String[] args) {
    Path rom = Roms.locate("PongNoFrameskip-v4", Path.of(args[0]));
    measureEmulator(rom);
    float[] observation = new float[4 * 84 * 84];
    byte[] older = new byte[AtariEnvironment.SCREEN_LENGTH];
    byte[] newer = new byte[AtariEnvironment.SCREEN_LENGTH];
    int[] palette;
    try (AtariEnvironment env = AtariEnvironment.open("PongNoFrameskip-v4", rom, 1, 0)) {
      SplittableRandom policy = new SplittableRandom(1);
      for (int round = 0; round < 3; round++) {
        env.reset(observation);
        long frames = 0;
        long start = System.nanoTime();
        for (int step = 0; step < ITERATIONS; step++) {
          StepResult result = env.step(policy.nextInt(env.actionCount()), observation);
          frames += result.frames();
          if (result.done()) {
            env.reset(observation);
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("env.step: %.0f steps/s, %.0f frames/s, %.1f us/step%n",
            ITERATIONS / seconds, frames / seconds, seconds * 1e6 / ITERATIONS);
      }
    }
    ALEInterface emulator = new ALEInterface();
    try {
      emulator.loadROM(rom.toString());
      AleScreen screen = new AleScreen(emulator);
      palette = screen.palette();
      for (int frame = 0; frame < 300; frame++) {
        emulator.act(actionOf(emulator, frame % 3));
      }
      screen.read(older);
      emulator.act(actionOf(emulator, 1));
      screen.read(newer);
    } finally {
      emulator.close();
    }

    AtariPreprocessor preprocessor = new AtariPreprocessor(palette);
    FrameStack stack = new FrameStack(4, 84 * 84);
    byte[] frame = new byte[84 * 84];
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < ITERATIONS; i++) {
        preprocessor.processMax(older, newer, frame);
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < ITERATIONS; i++) {
        stack.push(frame);
        stack.write(observation);
      }
      long t2 = System.nanoTime();
      System.out.printf("preprocessing: max+gray+resize+crop %.1f us, stack push+write %.1f us per step%n",
          (t1 - t0) / 1e3 / ITERATIONS, (t2 - t1) / 1e3 / ITERATIONS);
    }
  }

  private static int actionOf(ALEInterface emulator, int index) {
    return emulator.getMinimalActionSet().get(index);
  }

  /** Raw ALE speed: act alone, then act plus reading each screen as RGB, as env.step does. */
  private static void measureEmulator(Path rom) {
    ALEInterface emulator = new ALEInterface();
    emulator.setInt("frame_skip", 1);
    emulator.setFloat("repeat_action_probability", 0f);
    emulator.loadROM(rom.toString());
    IntPointer minimal = emulator.getMinimalActionSet();
    int[] actions = new int[(int) minimal.limit()];
    minimal.get(actions);
    SplittableRandom policy = new SplittableRandom(1);
    byte[] rgb = new byte[AtariEnvironment.RGB_LENGTH];
    byte[] indices = new byte[AtariEnvironment.SCREEN_LENGTH];
    AleScreen indexed = new AleScreen(emulator);
    try (BytePointer screen = new BytePointer(rgb.length)) {
      for (int round = 0; round < 3; round++) {
        long t0 = System.nanoTime();
        for (int frame = 0; frame < 4 * ITERATIONS; frame++) {
          emulator.act(actions[policy.nextInt(actions.length)]);
          if (emulator.game_over()) {
            emulator.reset_game();
          }
        }
        long t1 = System.nanoTime();
        for (int frame = 0; frame < 4 * ITERATIONS; frame++) {
          emulator.act(actions[policy.nextInt(actions.length)]);
          emulator.getScreenRGB(screen);
          screen.get(rgb);
          if (emulator.game_over()) {
            emulator.reset_game();
          }
        }
        long t2 = System.nanoTime();
        for (int frame = 0; frame < 4 * ITERATIONS; frame++) {
          emulator.act(actions[policy.nextInt(actions.length)]);
          indexed.read(indices);
          if (emulator.game_over()) {
            emulator.reset_game();
          }
        }
        long t3 = System.nanoTime();
        System.out.printf("ALE act: %.1f us/frame; act + getScreenRGB: %.1f us/frame; act + palette indices: %.1f us/frame%n",
            (t1 - t0) / 4e3 / ITERATIONS, (t2 - t1) / 4e3 / ITERATIONS, (t3 - t2) / 4e3 / ITERATIONS);
      }
    } finally {
      emulator.close();
    }
  }
}
