package a3c.env.atari;

/**
 * Turns one 210x160 RGB screen into the reference's 84x84 uint8 frame (gianluca-maselli/A3C,
 * {@code utils.frame_preprocessing}): grayscale in float32, INTER_AREA resize to 84 wide by 110 high,
 * keep rows 18..101, truncate to uint8 as {@code astype(np.uint8)} does.
 */
final class AtariPreprocessor {

  static final int SCREEN_WIDTH = 160;
  static final int SCREEN_HEIGHT = 210;
  static final int RESIZED_WIDTH = 84;
  static final int RESIZED_HEIGHT = 110;
  static final int FIRST_ROW = 18;
  static final int SIZE = 84;

  private final float[] gray = new float[SCREEN_WIDTH * SCREEN_HEIGHT];
  private final float[] resized = new float[RESIZED_WIDTH * RESIZED_HEIGHT];
  private final AreaResize resize =
      new AreaResize(SCREEN_WIDTH, SCREEN_HEIGHT, RESIZED_WIDTH, RESIZED_HEIGHT);

  /** Writes the 84x84 frame of {@code rgb} (210x160x3) into {@code frame}, one unsigned byte per pixel. */
  void process(byte[] rgb, byte[] frame) {
    RgbFrames.grayscale(rgb, gray);
    resize.resize(gray, resized);
    cropToUint8(resized, RESIZED_WIDTH, FIRST_ROW, SIZE, frame);
  }

  /**
   * Copies rows {@code firstRow .. firstRow + rowCount - 1} of a {@code width}-wide image into
   * {@code dst}, truncating each value toward zero like numpy's {@code astype(np.uint8)}; values
   * must lie in [0, 256), which grayscale averages of bytes do.
   */
  static void cropToUint8(float[] src, int width, int firstRow, int rowCount, byte[] dst) {
    if (firstRow < 0 || (firstRow + rowCount) * width > src.length || dst.length != rowCount * width) {
      throw new IllegalArgumentException(
          "cannot crop rows " + firstRow + ".." + (firstRow + rowCount - 1) + " of a " + width
              + "-wide image of " + src.length + " floats into " + dst.length + " bytes");
    }
    int offset = firstRow * width;
    for (int i = 0; i < dst.length; i++) {
      dst[i] = (byte) (int) src[offset + i];
    }
  }
}
