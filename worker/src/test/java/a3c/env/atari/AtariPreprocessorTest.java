package a3c.env.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AtariPreprocessorTest {

  @Test
  void toUint8_truncatesLikeNumpyAstype() {
    byte[] dst = new byte[4];
    AtariPreprocessor.toUint8(new float[] {0.99f, 17.5f, 254.99f, 255f}, dst);
    assertArrayEquals(new byte[] {0, 17, (byte) 254, (byte) 255}, dst);
    assertThrows(IllegalArgumentException.class, () -> AtariPreprocessor.toUint8(new float[4], new byte[3]));
  }

  @Test
  void processMax_poolsTheTwoScreensFirst() {
    byte[] dark = new byte[210 * 160 * 3];
    byte[] bright = new byte[210 * 160 * 3];
    // A white box in the middle of one screen, a white border line in the other; the max holds both.
    for (int y = 100; y < 120; y++) {
      for (int x = 60; x < 100; x++) {
        java.util.Arrays.fill(dark, (y * 160 + x) * 3, (y * 160 + x) * 3 + 3, (byte) 255);
      }
    }
    java.util.Arrays.fill(bright, 60 * 160 * 3, 61 * 160 * 3, (byte) 255);
    byte[] pooled = dark.clone();
    for (int i = 0; i < pooled.length; i++) {
      pooled[i] = (byte) Math.max(dark[i] & 0xFF, bright[i] & 0xFF);
    }
    byte[] expected = new byte[84 * 84];
    new AtariPreprocessor().process(pooled, expected);
    byte[] frame = new byte[84 * 84];
    new AtariPreprocessor().processMax(dark, bright, frame);
    assertArrayEquals(expected, frame);
    byte[] darkOnly = new byte[84 * 84];
    new AtariPreprocessor().process(dark, darkOnly);
    assertFalse(java.util.Arrays.equals(darkOnly, frame));
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
