package a3c.env.atari;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RgbFramesTest {

  @Test
  void grayscaleOfMax_takesEachChannelOfEachPixelSeparately() {
    byte[] a = {(byte) 200, 10, 0, 5, (byte) 255, 7};
    byte[] b = {100, 20, 0, (byte) 130, (byte) 254, 7};
    float[] gray = new float[2];
    RgbFrames.grayscaleOfMax(a, b, gray, 0, 2);
    assertEquals(200 * 0.299f + 20 * 0.587f + 0 * 0.114f, gray[0]);
    assertEquals(130 * 0.299f + 255 * 0.587f + 7 * 0.114f, gray[1]);
  }

  @Test
  void grayscaleOfMax_touchesOnlyTheGivenPixels() {
    byte[] a = {1, 1, 1, 9, 9, 9, 1, 1, 1};
    float[] gray = {-1, -1, -1};
    RgbFrames.grayscaleOfMax(a, new byte[9], gray, 1, 2);
    assertEquals(-1f, gray[0]);
    assertEquals(9 * 0.299f + 9 * 0.587f + 9 * 0.114f, gray[1]);
    assertEquals(-1f, gray[2]);
  }

  @Test
  void grayscaleOfMax_lengthMismatch_rejected() {
    assertThrows(IllegalArgumentException.class,
        () -> RgbFrames.grayscaleOfMax(new byte[3], new byte[6], new float[1], 0, 1));
    assertThrows(IllegalArgumentException.class,
        () -> RgbFrames.grayscaleOfMax(new byte[6], new byte[6], new float[2], 0, 3));
  }

  @Test
  void grayscale_usesLuminanceCoefficientsInFloat() {
    byte[] rgb = {(byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255, (byte) 255, (byte) 255, (byte) 255, 10, 20, 30};
    float[] gray = new float[5];
    RgbFrames.grayscale(rgb, gray, 0, 5);
    assertEquals(255 * 0.299f, gray[0]);
    assertEquals(255 * 0.587f, gray[1]);
    assertEquals(255 * 0.114f, gray[2]);
    assertEquals(255f, gray[3], 1e-4f);
    // 10 * 0.299 + 20 * 0.587 + 30 * 0.114 = 2.99 + 11.74 + 3.42
    assertEquals(18.15f, gray[4], 1e-5f);
    assertEquals(10 * 0.299f + 20 * 0.587f + 30 * 0.114f, gray[4]);
  }
}
