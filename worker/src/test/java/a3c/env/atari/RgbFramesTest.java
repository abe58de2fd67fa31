package a3c.env.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RgbFramesTest {

  @Test
  void max_takesEachChannelOfEachPixelSeparately() {
    byte[] a = {(byte) 200, 10, 0, 5, (byte) 255, 7};
    byte[] b = {100, 20, 0, (byte) 130, (byte) 254, 7};
    byte[] dst = new byte[6];
    RgbFrames.max(a, b, dst);
    assertArrayEquals(new byte[] {(byte) 200, 20, 0, (byte) 130, (byte) 255, 7}, dst);
  }

  @Test
  void max_lengthMismatch_rejected() {
    assertThrows(IllegalArgumentException.class, () -> RgbFrames.max(new byte[3], new byte[6], new byte[3]));
  }

  @Test
  void grayscale_usesLuminanceCoefficientsInFloat() {
    byte[] rgb = {(byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255, (byte) 255, (byte) 255, (byte) 255, 10, 20, 30};
    float[] gray = new float[5];
    RgbFrames.grayscale(rgb, gray);
    assertEquals(255 * 0.299f, gray[0]);
    assertEquals(255 * 0.587f, gray[1]);
    assertEquals(255 * 0.114f, gray[2]);
    assertEquals(255f, gray[3], 1e-4f);
    // 10 * 0.299 + 20 * 0.587 + 30 * 0.114 = 2.99 + 11.74 + 3.42
    assertEquals(18.15f, gray[4], 1e-5f);
    assertEquals(10 * 0.299f + 20 * 0.587f + 30 * 0.114f, gray[4]);
  }
}
