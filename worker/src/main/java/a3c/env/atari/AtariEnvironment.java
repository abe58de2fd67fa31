package a3c.env.atari;

import a3c.env.Environment;
import a3c.env.StepResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.bytedeco.ale.ALEInterface;
import org.bytedeco.ale.global.ale;
import org.bytedeco.javacpp.IntPointer;

/**
 * An Atari game in the Arcade Learning Environment with Gym {@code NoFrameskip-v4} settings and the
 * reference's wrappers (gianluca-maselli/A3C {@code utils.py}).
 *
 * <p>ALE runs with frame skip 1, sticky actions off, the minimal action set and an episode cut at
 * 100,000 emulator frames. An agent step repeats its action for 4 frames, summing raw rewards and
 * stopping early at game over, and observes the pixel-wise max of the last two screens (a game over
 * before the fourth frame ends the episode on its last screen alone; no one learns from that
 * observation). Only those screens are read from the emulator. A reset takes 1..30 no-ops. The observation stacks the last 4 preprocessed 84x84 frames, oldest first.
 */
public final class AtariEnvironment implements Environment {

  static final int FRAMES_PER_STEP = 4;
  static final int STACK_DEPTH = 4;
  static final int NOOP_MAX = 30;
  static final int MAX_EPISODE_FRAMES = 100_000;
  /** The emulator's screen, as {@link #copyRgbFrame} hands it out. */
  public static final int SCREEN_WIDTH = AtariPreprocessor.SCREEN_WIDTH;
  public static final int SCREEN_HEIGHT = AtariPreprocessor.SCREEN_HEIGHT;
  static final int SCREEN_LENGTH = SCREEN_HEIGHT * SCREEN_WIDTH;
  public static final int RGB_LENGTH = 3 * SCREEN_LENGTH;
  private static final int FRAME_SIZE = AtariPreprocessor.SIZE * AtariPreprocessor.SIZE;

  // Building an ALE and loading a ROM is not thread-safe (TorchBeast's polybeast_env.py serialises it
  // too: "Atari isn't threadsafe at construction time"); stepping separate instances is.
  private static final Object CONSTRUCTION_LOCK = new Object();

  private final String name;
  private final int maxEpisodeSteps;
  private final ALEInterface emulator;
  private final int[] actions;
  private final SplittableRandom noopRandom;
  private final AleScreen screen;
  private final AtariPreprocessor preprocessor;
  /** The last two screens as palette indices. */
  private byte[] lastScreen = new byte[SCREEN_LENGTH];
  private byte[] olderScreen = new byte[SCREEN_LENGTH];
  private final byte[] frame = new byte[FRAME_SIZE];
  private final FrameStack stack = new FrameStack(STACK_DEPTH, FRAME_SIZE);
  private int episodeSteps;
  private boolean episodeOver = true;
  private long preprocessNanos;

  private AtariEnvironment(String name, Path rom, long seed, int maxEpisodeSteps, int maxEpisodeFrames) {
    if (!Files.isRegularFile(rom)) {
      throw new RomNotFoundException("ROM " + rom.toAbsolutePath() + " does not exist. " + Roms.HOW_TO_GET);
    }
    if (maxEpisodeSteps < 0 || maxEpisodeFrames < 0) {
      throw new IllegalArgumentException(
          "episode caps must be >= 0, got maxEpisodeSteps " + maxEpisodeSteps + ", maxEpisodeFrames " + maxEpisodeFrames);
    }
    this.name = name;
    this.maxEpisodeSteps = maxEpisodeSteps;
    this.noopRandom = new SplittableRandom(seed);
    synchronized (CONSTRUCTION_LOCK) {
      emulator = new ALEInterface();
      // ALE takes a non-negative int seed; fold the long seed into one deterministically.
      emulator.setInt("random_seed", (int) ((seed ^ (seed >>> 32)) & 0x7fffffff));
      emulator.setInt("frame_skip", 1);
      emulator.setFloat("repeat_action_probability", 0f);
      emulator.setInt("max_num_frames_per_episode", maxEpisodeFrames);
      emulator.loadROM(rom.toString());
    }
    screen = new AleScreen(emulator);
    preprocessor = new AtariPreprocessor(screen.palette());
    IntPointer minimal = emulator.getMinimalActionSet();
    actions = new int[(int) minimal.limit()];
    minimal.get(actions);
    if (actions[0] != ale.PLAYER_A_NOOP) {
      // The reference asserts this too: resets take their no-ops as action 0.
      throw new IllegalStateException(name + ": minimal action 0 is "
          + ale.action_to_string(actions[0]).getString() + ", not NOOP");
    }
  }

  /**
   * Opens {@code envName} on the ROM at {@code rom}.
   *
   * @param seed seeds ALE's {@code random_seed} and the no-op counts of resets
   * @param maxEpisodeSteps caps an episode's agent steps; 0 means only the 100,000-frame cap applies
   */
  public static AtariEnvironment open(String envName, Path rom, long seed, int maxEpisodeSteps) {
    return new AtariEnvironment(envName, rom, seed, maxEpisodeSteps, MAX_EPISODE_FRAMES);
  }

  /** Like {@link #open} with another emulator-frame cap, so tests can reach it quickly. */
  static AtariEnvironment open(String envName, Path rom, long seed, int maxEpisodeSteps, int maxEpisodeFrames) {
    return new AtariEnvironment(envName, rom, seed, maxEpisodeSteps, maxEpisodeFrames);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int[] observationShape() {
    return new int[] {STACK_DEPTH, AtariPreprocessor.SIZE, AtariPreprocessor.SIZE};
  }

  @Override
  public int actionCount() {
    return actions.length;
  }

  @Override
  public int framesPerStep() {
    return FRAMES_PER_STEP;
  }

  /** The meaning of each action, e.g. {@code NOOP, FIRE, RIGHT, LEFT, RIGHTFIRE, LEFTFIRE} for Pong. */
  public String[] actionMeanings() {
    String[] meanings = new String[actions.length];
    for (int i = 0; i < actions.length; i++) {
      meanings[i] = ale.action_to_string(actions[i]).getString().replace("PLAYER_A_", "");
    }
    return meanings;
  }

  /** Copies the last emulator screen, 210 rows x 160 columns x RGB, into {@code dst}, e.g. for a GIF. */
  public void copyRgbFrame(byte[] dst) {
    if (dst.length != RGB_LENGTH) {
      throw new IllegalArgumentException("dst must hold " + RGB_LENGTH + " bytes, got " + dst.length);
    }
    preprocessor.toRgb(lastScreen, dst);
  }

  @Override
  public void reset(float[] observation) {
    emulator.reset_game();
    int noops = noopRandom.nextInt(1, NOOP_MAX + 1);
    for (int i = 0; i < noops; i++) {
      emulator.act(actions[0]);
      if (emulator.game_over()) {
        emulator.reset_game();
      }
    }
    grabScreen();
    preprocessor.process(lastScreen, frame);
    stack.fill(frame);
    stack.write(observation);
    episodeSteps = 0;
    episodeOver = false;
  }

  @Override
  public StepResult step(int action, float[] observation) {
    if (action < 0 || action >= actions.length) {
      throw new IllegalArgumentException(
          "action " + action + " is outside 0.." + (actions.length - 1) + " for " + name);
    }
    if (episodeOver) {
      throw new IllegalStateException("the episode is over or not started: call reset() before step()");
    }
    int reward = 0;
    int frames = 0;
    int grabbed = 0;
    boolean gameOver = false;
    while (frames < FRAMES_PER_STEP && !gameOver) {
      reward += emulator.act(actions[action]);
      frames++;
      gameOver = emulator.game_over();
      // Only the last two screens are observed; a game over ends the step early, on its own screen.
      if (frames >= FRAMES_PER_STEP - 1 || gameOver) {
        grabScreen();
        grabbed++;
      }
    }
    long start = System.nanoTime();
    if (grabbed == 1) {
      // The game ended before the step's last frame: its last screen is the observation.
      preprocessor.process(lastScreen, frame);
    } else {
      preprocessor.processMax(olderScreen, lastScreen, frame);
    }
    stack.push(frame);
    stack.write(observation);
    preprocessNanos += System.nanoTime() - start;
    episodeSteps++;
    episodeOver = gameOver || (maxEpisodeSteps > 0 && episodeSteps >= maxEpisodeSteps);
    return new StepResult(reward, episodeOver, frames);
  }

  /** Reads the current screen into {@code lastScreen}, keeping the one before in {@code olderScreen}. */
  private void grabScreen() {
    byte[] swap = olderScreen;
    olderScreen = lastScreen;
    lastScreen = swap;
    screen.read(lastScreen);
  }

  @Override
  public long preprocessNanos() {
    return preprocessNanos;
  }

  @Override
  public void close() {
    emulator.close();
  }
}
