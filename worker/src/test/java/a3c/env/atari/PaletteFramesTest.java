package a3c.env.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PaletteFramesTest {

  /** Colour 1 pure red, 2 pure green, 3 pure blue, 4 white, 5 (10, 20, 30), 6 (200, 10, 0), 7 (5, 255, 7). */
  private static final int[] PALETTE = new int[256];

  static {
    PALETTE[1] = 0xFF0000;
    PALETTE[2] = 0x00FF00;
    PALETTE[3] = 0x0000FF;
    PALETTE[4] = 0xFFFFFF;
    PALETTE[5] = 0x0A141E;
    PALETTE[6] = 0xC80A00;
    PALETTE[7] = 0x05FF07;
  }

  private final PaletteFrames frames = new PaletteFrames(PALETTE);

  @Test
  void grayscale_usesLuminanceCoefficientsInFloat() {
    float[] gray = new float[6];
    frames.grayscale(new byte[] {0, 1, 2, 3, 4, 5}, gray, 0, 6);
    assertEquals(0f, gray[0]);
    assertEquals(255 * 0.299f, gray[1]);
    assertEquals(255 * 0.587f, gray[2]);
    assertEquals(255 * 0.114f, gray[3]);
    assertEquals(255f, gray[4], 1e-4f);
    // 10 * 0.299 + 20 * 0.587 + 30 * 0.114 = 2.99 + 11.74 + 3.42, summed left to right in float.
    assertEquals(18.15f, gray[5], 1e-5f);
    assertEquals(10 * 0.299f + 20 * 0.587f + 30 * 0.114f, gray[5]);
  }

  @Test
  void grayscaleOfMax_takesEachChannelOfEachPixelSeparately() {
    float[] gray = new float[3];
    frames.grayscaleOfMax(new byte[] {6, 7, 5}, new byte[] {5, 6, 5}, gray, 0, 3);
    // max((200, 10, 0), (10, 20, 30)) = (200, 20, 30); max((5, 255, 7), (200, 10, 0)) = (200, 255, 7).
    assertEquals(200 * 0.299f + 20 * 0.587f + 30 * 0.114f, gray[0]);
    assertEquals(200 * 0.299f + 255 * 0.587f + 7 * 0.114f, gray[1]);
    assertEquals(10 * 0.299f + 20 * 0.587f + 30 * 0.114f, gray[2]);
  }

  @Test
  void grayscale_touchesOnlyTheGivenPixels() {
    float[] gray = {-1, -1, -1};
    frames.grayscaleOfMax(new byte[] {4, 4, 4}, new byte[3], gray, 1, 2);
    assertArrayEquals(new float[] {-1, 255 * 0.299f + 255 * 0.587f + 255 * 0.114f, -1}, gray);
    frames.grayscale(new byte[] {4, 1, 4}, gray, 1, 2);
    assertArrayEquals(new float[] {-1, 255 * 0.299f, -1}, gray);
  }

  @Test
  void toRgb_expandsThroughThePalette() {
    byte[] rgb = new byte[6];
    frames.toRgb(new byte[] {5, 6}, rgb);
    assertArrayEquals(new byte[] {10, 20, 30, (byte) 200, 10, 0}, rgb);
  }

  @Test
  void badLengths_rejected() {
    assertThrows(IllegalArgumentException.class, () -> new PaletteFrames(new int[255]));
    assertThrows(IllegalArgumentException.class,
        () -> frames.grayscaleOfMax(new byte[3], new byte[4], new float[3], 0, 3));
    assertThrows(IllegalArgumentException.class, () -> frames.grayscale(new byte[3], new float[3], 0, 4));
    assertThrows(IllegalArgumentException.class, () -> frames.toRgb(new byte[3], new byte[8]));
  }
}
