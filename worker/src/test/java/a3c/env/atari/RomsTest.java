package a3c.env.atari;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RomsTest {

  @Test
  void romFileName_isTheGameInSnakeCase() {
    assertEquals("pong.bin", Roms.romFileName("PongNoFrameskip-v4"));
    assertEquals("space_invaders.bin", Roms.romFileName("SpaceInvadersNoFrameskip-v4"));
    assertEquals("beam_rider.bin", Roms.romFileName("BeamRiderNoFrameskip-v4"));
    assertEquals("qbert.bin", Roms.romFileName("QbertNoFrameskip-v4"));
  }

  @Test
  void romFileName_notAtari_rejected() {
    assertThrows(IllegalArgumentException.class, () -> Roms.romFileName("Pong-v5"));
    assertFalse(Roms.isAtari("CartPole-v1"));
    assertTrue(Roms.isAtari("BreakoutNoFrameskip-v4"));
  }

  @Test
  void locate_romDirArgument_spaceInvaders() {
    Path dir = TestRoms.dir();
    assertEquals(dir.resolve("space_invaders.bin"), Roms.locate("SpaceInvadersNoFrameskip-v4", dir, null));
  }

  @Test
  void locate_usesTheEnvironmentVariable_onlyWithoutRomDir(@TempDir Path empty) {
    Path dir = TestRoms.dir();
    assertEquals(dir.resolve("pong.bin"), Roms.locate("PongNoFrameskip-v4", null, dir.toString()));
    RomNotFoundException wrongDir = assertThrows(
        RomNotFoundException.class, () -> Roms.locate("PongNoFrameskip-v4", empty, dir.toString()));
    assertTrue(wrongDir.getMessage().contains("--rom-dir " + empty.toAbsolutePath()), wrongDir.getMessage());
  }

  @Test
  void locate_missing_namesWhereItLookedAndHowToGetRoms(@TempDir Path empty) {
    Path other = empty.resolve("other");
    RomNotFoundException missing = assertThrows(
        RomNotFoundException.class, () -> Roms.locate("PongNoFrameskip-v4", null, other.toString()));
    String message = missing.getMessage();
    assertTrue(message.contains("pong.bin"), message);
    assertTrue(message.contains("$A3C_ROM_DIR " + other.toAbsolutePath()), message);
    assertTrue(message.contains("pip install ale-py"), message);
    assertTrue(message.contains("AutoROM"), message);
  }

  @Test
  void locate_nothingGiven_saysNeitherPlaceWasSet() {
    RomNotFoundException missing = assertThrows(
        RomNotFoundException.class, () -> Roms.locate("PongNoFrameskip-v4", null, null));
    assertTrue(missing.getMessage().contains("--rom-dir (not given)"), missing.getMessage());
    assertTrue(missing.getMessage().contains("$A3C_ROM_DIR (not set)"), missing.getMessage());
  }
}
