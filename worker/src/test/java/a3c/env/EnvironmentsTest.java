package a3c.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.env.atari.RomNotFoundException;
import a3c.env.atari.TestRoms;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentsTest {

  @Test
  void create_cartPole() {
    try (Environment env = Environments.create("CartPole-v1", null, 1, 0)) {
      assertArrayEquals(new int[] {4}, env.observationShape());
      assertEquals(2, env.actionCount());
    }
  }

  @Test
  void create_atari_fromRomDir() {
    try (Environment env = Environments.create("BreakoutNoFrameskip-v4", TestRoms.dir(), 1, 0)) {
      assertEquals("BreakoutNoFrameskip-v4", env.name());
      assertEquals(4, env.actionCount());
      float[] observation = new float[4 * 84 * 84];
      env.reset(observation);
      StepResult result = env.step(1, observation);
      assertEquals(4, result.frames());
    }
  }

  @Test
  void create_unknownName_listsSupportedNames() {
    IllegalArgumentException unknown = assertThrows(
        IllegalArgumentException.class, () -> Environments.create("Pong-v5", null, 1, 0));
    assertTrue(unknown.getMessage().contains("'Pong-v5'"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("CartPole-v1"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("NoFrameskip-v4"), unknown.getMessage());
  }

  @Test
  void create_missingRom_namesTheDirectory(@TempDir Path empty) {
    RomNotFoundException missing = assertThrows(
        RomNotFoundException.class, () -> Environments.create("PongNoFrameskip-v4", empty, 1, 0));
    assertTrue(missing.getMessage().contains(empty.toAbsolutePath().toString()), missing.getMessage());
  }

  @Test
  void create_negativeStepCap_rejected() {
    assertThrows(IllegalArgumentException.class, () -> Environments.create("CartPole-v1", null, 1, -1));
  }
}
