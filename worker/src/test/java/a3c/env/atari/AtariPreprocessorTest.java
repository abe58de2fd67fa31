package a3c.env.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AtariPreprocessorTest {

  /** Palette index v is the gray colour (v, v, v). */
  private static final int[] GRAYS = new int[256];

  static {
    for (int v = 0; v < 256; v++) {
      GRAYS[v] = v << 16 | v << 8 | v;
    }
  }

  @Test
  void toUint8_truncatesLikeNumpyAstype() {
    byte[] dst = new byte[4];
    AtariPreprocessor.toUint8(new float[] {0.99f, 17.5f, 254.99f, 255f}, dst);
    assertArrayEquals(new byte[] {0, 17, (byte) 254, (byte) 255}, dst);
    assertThrows(IllegalArgumentException.class, () -> AtariPreprocessor.toUint8(new float[4], new byte[3]));
  }

  @Test
  void processMax_poolsTheTwoScreensFirst() {
    byte[] box = new byte[210 * 160];
    byte[] line = new byte[210 * 160];
    // A white box in the middle of one screen, a white line in the other; the max holds both.
    for (int y = 100; y < 120; y++) {
      java.util.Arrays.fill(box, y * 160 + 60, y * 160 + 100, (byte) 255);
    }
    java.util.Arrays.fill(line, 60 * 160, 61 * 160, (byte) 255);
    byte[] pooled = new byte[210 * 160];
    for (int i = 0; i < pooled.length; i++) {
      pooled[i] = (byte) Math.max(box[i] & 0xFF, line[i] & 0xFF);
    }
    byte[] expected = new byte[84 * 84];
    new AtariPreprocessor(GRAYS).process(pooled, expected);
    byte[] frame = new byte[84 * 84];
    new AtariPreprocessor(GRAYS).processMax(box, line, frame);
    assertArrayEquals(expected, frame);
    byte[] boxOnly = new byte[84 * 84];
    new AtariPreprocessor(GRAYS).process(box, boxOnly);
    assertFalse(java.util.Arrays.equals(boxOnly, frame));
  }

  @Test
  void process_keepsResizedRows18To101() {
    // Each screen row has the gray level of its resized row: rows of the 110-row image cover 21/11
    // screen rows, so screen row y belongs to resized row floor(y * 110 / 210).
    byte[] screen = new byte[210 * 160];
    for (int y = 0; y < 210; y++) {
      java.util.Arrays.fill(screen, y * 160, (y + 1) * 160, (byte) (2 * (y * 110 / 210)));
    }
    byte[] frame = new byte[84 * 84];
    new AtariPreprocessor(GRAYS).process(screen, frame);
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
    byte[] screen = new byte[210 * 160];
    java.util.Arrays.fill(screen, (byte) 255);
    byte[] frame = new byte[84 * 84];
    new AtariPreprocessor(GRAYS).process(screen, frame);
    for (byte value : frame) {
      assertEquals(255, value & 0xFF);
    }
  }
}
