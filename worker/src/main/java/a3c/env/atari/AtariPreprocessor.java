package a3c.env.atari;

/**
 * Turns one 210x160 screen, or the max of two, into the reference's 84x84 uint8 frame
 * (gianluca-maselli/A3C, {@code utils.frame_preprocessing}): grayscale in float32, INTER_AREA resize
 * to 84 wide by 110 high, keep rows 18..101, truncate to uint8 as {@code astype(np.uint8)} does.
 *
 * <p>Screens are palette indices (see {@link PaletteFrames}). Only the screen rows that the kept
 * rows are made from are grayed and resized; the others would be cropped away, and skipping them
 * changes no kept value.
 */
final class AtariPreprocessor {

  static final int SCREEN_WIDTH = 160;
  static final int SCREEN_HEIGHT = 210;
  static final int RESIZED_WIDTH = 84;
  static final int RESIZED_HEIGHT = 110;
  static final int FIRST_ROW = 18;
  static final int SIZE = 84;

  private final PaletteFrames colours;
  private final AreaResize resize =
      new AreaResize(SCREEN_WIDTH, SCREEN_HEIGHT, RESIZED_WIDTH, RESIZED_HEIGHT);
  private final int firstPixel = resize.firstSourceRow(FIRST_ROW) * SCREEN_WIDTH;
  private final int endPixel = resize.endSourceRow(FIRST_ROW + SIZE) * SCREEN_WIDTH;
  private final float[] gray = new float[SCREEN_HEIGHT * SCREEN_WIDTH];
  private final float[] kept = new float[SIZE * SIZE];

  /** @param palette the 256 packed {@code 0xRRGGBB} colours screen bytes index */
  AtariPreprocessor(int[] palette) {
    this.colours = new PaletteFrames(palette);
  }

  /** Writes the 84x84 frame of {@code screen} into {@code frame}, one unsigned byte per pixel. */
  void process(byte[] screen, byte[] frame) {
    colours.grayscale(screen, gray, firstPixel, endPixel);
    resizeAndTruncate(frame);
  }

  /** Like {@link #process} on the pixel-wise RGB max of two screens, as the reference pools the last two frames. */
  void processMax(byte[] older, byte[] newer, byte[] frame) {
    colours.grayscaleOfMax(older, newer, gray, firstPixel, endPixel);
    resizeAndTruncate(frame);
  }

  /** Expands {@code screen} into 210x160x3 RGB bytes. */
  void toRgb(byte[] screen, byte[] rgb) {
    colours.toRgb(screen, rgb);
  }

  private void resizeAndTruncate(byte[] frame) {
    resize.resizeRows(gray, FIRST_ROW, SIZE, kept);
    toUint8(kept, frame);
  }

  /**
   * Truncates each value toward zero like numpy's {@code astype(np.uint8)}; values must lie in
   * [0, 256), which averages of grayscale bytes do.
   */
  static void toUint8(float[] src, byte[] dst) {
    if (dst.length != src.length) {
      throw new IllegalArgumentException("expected " + src.length + " bytes, got " + dst.length);
    }
    for (int i = 0; i < dst.length; i++) {
      dst[i] = (byte) (int) src[i];
    }
  }
}
