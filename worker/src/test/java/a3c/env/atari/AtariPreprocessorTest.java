package a3c.env.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AtariPreprocessorTest {

  @Test
  void cropToUint8_keepsTheGivenRowsAndTruncates() {
    float[] src = new float[2 * 5];
    for (int i = 0; i < src.length; i++) {
      src[i] = i * 10 + 0.9f;
    }
    byte[] dst = new byte[2 * 2];
    AtariPreprocessor.cropToUint8(src, 2, 1, 2, dst);
    assertArrayEquals(new byte[] {20, 30, 40, 50}, dst);
    float[] large = {254.99f, 255.0f};
    byte[] two = new byte[2];
    AtariPreprocessor.cropToUint8(large, 2, 0, 1, two);
    assertEquals(254, two[0] & 0xFF);
    assertEquals(255, two[1] & 0xFF);
  }

  @Test
  void cropToUint8_outOfBounds_rejected() {
    assertThrows(IllegalArgumentException.class, () -> AtariPreprocessor.cropToUint8(new float[10], 2, 4, 2, new byte[4]));
  }

  @Test
  void process_keepsResizedRows18To101() {
    // Each screen row has the gray level of its resized row: rows of the 110-row image cover 21/11
    // screen rows, so screen row y belongs to resized row floor(y * 110 / 210).
    byte[] rgb = new byte[210 * 160 * 3];
    for (int y = 0; y < 210; y++) {
      int level = y * 110 / 210;
      for (int x = 0; x < 160; x++) {
        int i = (y * 160 + x) * 3;
        rgb[i] = rgb[i + 1] = rgb[i + 2] = (byte) (2 * level);
      }
    }
    byte[] frame = new byte[84 * 84];
    new AtariPreprocessor().process(rgb, frame);
    // Resized row 18 mixes screen rows of levels 17, 18 and 19; 101 mixes 100, 101 and 102.
    // Each output row averages to about twice its own index, within one gray level.
    assertEquals(36, frame[0] & 0xFF, 1);
    assertEquals(36, frame[83] & 0xFF, 1);
    assertEquals(202, frame[83 * 84] & 0xFF, 1);
    for (int row = 0; row < 84; row++) {
      assertEquals(2 * (row + 18), frame[row * 84 + 40] & 0xFF, 1, "row " + row);
    }
  }

  @Test
  void process_whiteScreen_isAll255() {
    byte[] rgb = new byte[210 * 160 * 3];
    java.util.Arrays.fill(rgb, (byte) 255);
    byte[] frame = new byte[84 * 84];
    new AtariPreprocessor().process(rgb, frame);
    for (byte value : frame) {
      assertEquals(255, value & 0xFF);
    }
  }
}
