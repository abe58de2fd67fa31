package a3c.env.atari;

/**
 * Pixel-wise operations on interleaved RGB frames held in {@code byte[]} (unsigned values), over a
 * range of pixels so callers can skip rows they will crop away.
 */
final class RgbFrames {

  // float32 products and sums, rounded after each operation, are what numpy computes for
  // img[:, :, 0] * 0.299 + img[:, :, 1] * 0.587 + img[:, :, 2] * 0.114 on a float32 image.
  static final float RED = 0.299f;
  static final float GREEN = 0.587f;
  static final float BLUE = 0.114f;

  private RgbFrames() {}

  /**
   * Like {@link #grayscale} on the channel-wise maximum of {@code a} and {@code b}, the reference's
   * max-pooling of the last two frames, without writing the pooled frame out.
   */
  static void grayscaleOfMax(byte[] a, byte[] b, float[] gray, int from, int to) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("frames differ in length: " + a.length + " and " + b.length);
    }
    checkRange(a, gray, from, to);
    for (int pixel = from, i = from * 3; pixel < to; pixel++, i += 3) {
      int red = Math.max(a[i] & 0xFF, b[i] & 0xFF);
      int green = Math.max(a[i + 1] & 0xFF, b[i + 1] & 0xFF);
      int blue = Math.max(a[i + 2] & 0xFF, b[i + 2] & 0xFF);
      gray[pixel] = red * RED + green * GREEN + blue * BLUE;
    }
  }

  /** Writes the luminance {@code 0.299 R + 0.587 G + 0.114 B} of pixels {@code from .. to - 1} of {@code rgb} into {@code gray}. */
  static void grayscale(byte[] rgb, float[] gray, int from, int to) {
    checkRange(rgb, gray, from, to);
    for (int pixel = from, i = from * 3; pixel < to; pixel++, i += 3) {
      gray[pixel] = (rgb[i] & 0xFF) * RED + (rgb[i + 1] & 0xFF) * GREEN + (rgb[i + 2] & 0xFF) * BLUE;
    }
  }

  private static void checkRange(byte[] rgb, float[] gray, int from, int to) {
    if (rgb.length != 3 * gray.length || from < 0 || to > gray.length || from > to) {
      throw new IllegalArgumentException("cannot take the grayscale of pixels " + from + ".." + (to - 1)
          + " of " + rgb.length + " rgb bytes into " + gray.length + " floats");
    }
  }
}
