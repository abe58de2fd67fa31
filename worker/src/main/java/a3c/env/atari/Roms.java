package a3c.env.atari;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the ROM file of an Atari environment: {@code --rom-dir} first, then {@code $A3C_ROM_DIR}.
 *
 * <p>The file name is the game name in snake_case, as ale-py ships them: SpaceInvaders is
 * {@code space_invaders.bin}. ROMs are never bundled with this project.
 */
public final class Roms {

  /** The environment variable searched after {@code --rom-dir}. */
  public static final String ROM_DIR_ENV = "A3C_ROM_DIR";

  static final String HOW_TO_GET =
      "Atari ROMs ship with the ale-py Python package (pip install ale-py; they are in"
          + " site-packages/ale_py/roms) or can be fetched with AutoROM (pip install autorom;"
          + " AutoROM --accept-license); point --rom-dir or $" + ROM_DIR_ENV + " at that directory.";

  private static final Pattern ATARI_ID = Pattern.compile("([A-Z][A-Za-z0-9]*)NoFrameskip-v4");

  private Roms() {}

  /** Whether {@code envName} has the form {@code <Game>NoFrameskip-v4}. */
  public static boolean isAtari(String envName) {
    return ATARI_ID.matcher(envName).matches();
  }

  /**
   * The ROM file of {@code envName}, cheap enough for a launcher to check before starting anything.
   *
   * @param romDir the folder to look in; when null, {@code $A3C_ROM_DIR}
   * @throws IllegalArgumentException when {@code envName} is not an Atari id
   * @throws RomNotFoundException naming every place searched and how to get ROMs
   */
  public static Path locate(String envName, Path romDir) {
    return locate(envName, romDir, System.getenv(ROM_DIR_ENV));
  }

  static Path locate(String envName, Path romDir, String romDirEnv) {
    String file = romFileName(envName);
    // A folder given on the command line is the only place looked: a typo there must not be
    // papered over by whatever $A3C_ROM_DIR happens to hold.
    Path folder;
    String where;
    if (romDir != null) {
      folder = romDir;
      where = "--rom-dir " + romDir.toAbsolutePath();
    } else if (romDirEnv != null && !romDirEnv.isBlank()) {
      folder = Path.of(romDirEnv);
      where = "$" + ROM_DIR_ENV + " " + folder.toAbsolutePath() + " (no --rom-dir given)";
    } else {
      throw new RomNotFoundException("ROM " + file + " for " + envName + " not found: --rom-dir (not given), $"
          + ROM_DIR_ENV + " (not set). " + HOW_TO_GET);
    }
    Path rom = folder.resolve(file);
    if (!Files.isRegularFile(rom)) {
      throw new RomNotFoundException("ROM " + file + " for " + envName + " not found in " + where + ". " + HOW_TO_GET);
    }
    return rom;
  }

  /** The ROM file name of an Atari id: {@code "BeamRiderNoFrameskip-v4"} gives {@code "beam_rider.bin"}. */
  public static String romFileName(String envName) {
    Matcher matcher = ATARI_ID.matcher(envName);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "'" + envName + "' is not an Atari id of the form <Game>NoFrameskip-v4");
    }
    String game = matcher.group(1);
    StringBuilder snake = new StringBuilder(game.length() + 8);
    for (int i = 0; i < game.length(); i++) {
      char c = game.charAt(i);
      if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(game.charAt(i - 1))) {
        snake.append('_');
      }
      snake.append(Character.toLowerCase(c));
    }
    return snake.append(".bin").toString();
  }
}
