package a3c.env.atari;

/** Pixel-wise operations on interleaved RGB frames held in {@code byte[]} (unsigned values). */
final class RgbFrames {

  // float32 products and sums, rounded after each operation, are what numpy computes for
  // img[:, :, 0] * 0.299 + img[:, :, 1] * 0.587 + img[:, :, 2] * 0.114 on a float32 image.
  static final float RED = 0.299f;
  static final float GREEN = 0.587f;
  static final float BLUE = 0.114f;

  private RgbFrames() {}

  /** Writes the pixel-wise, channel-wise maximum of {@code a} and {@code b} into {@code dst}. */
  static void max(byte[] a, byte[] b, byte[] dst) {
    if (a.length != b.length || dst.length != a.length) {
      throw new IllegalArgumentException(
          "frame lengths differ: " + a.length + ", " + b.length + ", dst " + dst.length);
    }
    for (int i = 0; i < dst.length; i++) {
      dst[i] = (byte) Math.max(a[i] & 0xFF, b[i] & 0xFF);
    }
  }

  /** Writes the luminance {@code 0.299 R + 0.587 G + 0.114 B} of each pixel of {@code rgb} into {@code gray}. */
  static void grayscale(byte[] rgb, float[] gray) {
    if (rgb.length != 3 * gray.length) {
      throw new IllegalArgumentException(
          "rgb length " + rgb.length + " is not 3 x gray length " + gray.length);
    }
    for (int pixel = 0, i = 0; pixel < gray.length; pixel++, i += 3) {
      gray[pixel] = (rgb[i] & 0xFF) * RED + (rgb[i + 1] & 0xFF) * GREEN + (rgb[i + 2] & 0xFF) * BLUE;
    }
  }
}
