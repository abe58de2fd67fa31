package a3c.env.atari;

/**
 * Pixel-wise operations on Atari screens held as palette indices, one byte per pixel, expanded
 * through a palette of packed {@code 0xRRGGBB} ints, over a range of pixels so callers can skip
 * rows they will crop away.
 *
 * <p>ALE's own {@code getScreenRGB} is this same palette lookup; doing it here lets a step read
 * 1 byte per pixel from the emulator each frame and expand only the two frames it pools.
 */
final class PaletteFrames {

  // float32 products and sums, rounded after each operation, are what numpy computes for
  // img[:, :, 0] * 0.299 + img[:, :, 1] * 0.587 + img[:, :, 2] * 0.114 on a float32 image.
  static final float RED = 0.299f;
  static final float GREEN = 0.587f;
  static final float BLUE = 0.114f;

  private final int[] palette;
  /** The grayscale of each palette colour, so unchanged pixels skip the arithmetic. */
  private final float[] grayOfColour = new float[256];

  PaletteFrames(int[] palette) {
    if (palette.length != 256) {
      throw new IllegalArgumentException("a palette has 256 colours, got " + palette.length);
    }
    this.palette = palette.clone();
    for (int index = 0; index < 256; index++) {
      grayOfColour[index] = luminance(red(this.palette[index]), green(this.palette[index]), blue(this.palette[index]));
    }
  }

  /** Writes the luminance {@code 0.299 R + 0.587 G + 0.114 B} of pixels {@code from .. to - 1} into {@code gray}. */
  void grayscale(byte[] screen, float[] gray, int from, int to) {
    checkRange(screen, gray, from, to);
    for (int pixel = from; pixel < to; pixel++) {
      gray[pixel] = grayOfColour[screen[pixel] & 0xFF];
    }
  }

  /**
   * Like {@link #grayscale} on the channel-wise RGB maximum of two screens, the reference's
   * max-pooling of the last two frames, without building the pooled frame.
   */
  void grayscaleOfMax(byte[] older, byte[] newer, float[] gray, int from, int to) {
    if (older.length != newer.length) {
      throw new IllegalArgumentException("screens differ in length: " + older.length + " and " + newer.length);
    }
    checkRange(newer, gray, from, to);
    for (int pixel = from; pixel < to; pixel++) {
      int a = older[pixel] & 0xFF;
      int b = newer[pixel] & 0xFF;
      if (a == b) {
        gray[pixel] = grayOfColour[a];
      } else {
        int colourA = palette[a];
        int colourB = palette[b];
        gray[pixel] = luminance(
            Math.max(red(colourA), red(colourB)),
            Math.max(green(colourA), green(colourB)),
            Math.max(blue(colourA), blue(colourB)));
      }
    }
  }

  /** Expands {@code screen} into interleaved RGB bytes, as ALE's {@code getScreenRGB} does. */
  void toRgb(byte[] screen, byte[] rgb) {
    if (rgb.length != 3 * screen.length) {
      throw new IllegalArgumentException("rgb must hold 3 x " + screen.length + " bytes, got " + rgb.length);
    }
    for (int pixel = 0, i = 0; pixel < screen.length; pixel++, i += 3) {
      int colour = palette[screen[pixel] & 0xFF];
      rgb[i] = (byte) red(colour);
      rgb[i + 1] = (byte) green(colour);
      rgb[i + 2] = (byte) blue(colour);
    }
  }

  static float luminance(int red, int green, int blue) {
    return red * RED + green * GREEN + blue * BLUE;
  }

  private static int red(int colour) {
    return (colour >>> 16) & 0xFF;
  }

  private static int green(int colour) {
    return (colour >>> 8) & 0xFF;
  }

  private static int blue(int colour) {
    return colour & 0xFF;
  }

  private static void checkRange(byte[] screen, float[] gray, int from, int to) {
    if (screen.length != gray.length || from < 0 || to > gray.length || from > to) {
      throw new IllegalArgumentException("cannot take the grayscale of pixels " + from + ".." + (to - 1)
          + " of a " + screen.length + "-pixel screen into " + gray.length + " floats");
    }
  }
}
