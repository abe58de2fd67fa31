package a3c.env;

import a3c.env.atari.AtariEnvironment;
import a3c.env.atari.Roms;
import a3c.env.cartpole.CartPole;
import java.nio.file.Path;

/** Creates an {@link Environment} from its Gym id. */
public final class Environments {

  static final String SUPPORTED =
      "CartPole-v1, or <Game>NoFrameskip-v4 for an Atari game (e.g. PongNoFrameskip-v4,"
          + " BreakoutNoFrameskip-v4, SpaceInvadersNoFrameskip-v4) whose ROM <game>.bin is in"
          + " --rom-dir or $" + Roms.ROM_DIR_ENV;

  private Environments() {}

  /**
   * Creates the environment named {@code envName}.
   *
   * @param romDir where Atari ROMs are looked for first; may be null, then only $A3C_ROM_DIR is searched
   * @param seed seeds the emulator and every random choice the environment makes
   * @param maxEpisodeSteps caps the agent steps of an episode; 0 means no cap beyond the game's own
   * @throws IllegalArgumentException for an unknown name or a negative step cap
   * @throws a3c.env.atari.RomNotFoundException when an Atari game's ROM cannot be found
   */
  public static Environment create(String envName, Path romDir, long seed, int maxEpisodeSteps) {
    if (envName == null) {
      throw new IllegalArgumentException("environment name must not be null; supported: " + SUPPORTED);
    }
    if (maxEpisodeSteps < 0) {
      throw new IllegalArgumentException(
          "maxEpisodeSteps must be >= 0 (0 = no cap), got " + maxEpisodeSteps);
    }
    if (envName.equals(CartPole.NAME)) {
      return new CartPole(seed, maxEpisodeSteps);
    }
    if (Roms.isAtari(envName)) {
      return AtariEnvironment.open(envName, Roms.locate(envName, romDir), seed, maxEpisodeSteps);
    }
    throw new IllegalArgumentException(
        "unknown environment '" + envName + "'; supported: " + SUPPORTED);
  }
}
