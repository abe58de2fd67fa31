package a3c.env.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bytedeco.ale.ALEInterface;
import org.bytedeco.javacpp.IntPointer;
import org.junit.jupiter.api.Test;

class AleScreenTest {

  @Test
  void paletteIndicesExpandToExactlyAlesOwnRgbScreen() {
    for (String game : new String[] {"pong.bin", "space_invaders.bin"}) {
      ALEInterface emulator = new ALEInterface();
      try {
        emulator.setInt("frame_skip", 1);
        emulator.setFloat("repeat_action_probability", 0f);
        emulator.loadROM(TestRoms.dir().resolve(game).toString());
        IntPointer minimal = emulator.getMinimalActionSet();
        AleScreen screen = new AleScreen(emulator);
        PaletteFrames colours = new PaletteFrames(screen.palette());
        byte[] indices = new byte[210 * 160];
        byte[] expanded = new byte[210 * 160 * 3];
        byte[] fromAle = new byte[210 * 160 * 3];
        SplittableRandom policy = new SplittableRandom(4);
        int distinctColours = 0;
        for (int frame = 0; frame < 600; frame++) {
          emulator.act(minimal.get(policy.nextInt((int) minimal.limit())));
          if (emulator.game_over()) {
            emulator.reset_game();
          }
          screen.read(indices);
          colours.toRgb(indices, expanded);
          emulator.getScreenRGB(fromAle);
          assertArrayEquals(fromAle, expanded, game + " frame " + frame);
          distinctColours = Math.max(distinctColours, (int) java.util.stream.IntStream.range(0, indices.length)
              .map(i -> indices[i] & 0xFF).distinct().count());
        }
        assertTrue(distinctColours >= 3, game + " showed only " + distinctColours + " colours");
      } finally {
        emulator.close();
      }
    }
  }
}
