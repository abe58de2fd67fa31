package a3c.env.atari;

import org.bytedeco.ale.ALEInterface;
import org.bytedeco.ale.ColourPalette;
import org.bytedeco.javacpp.BytePointer;

/**
 * Reads an ALE screen as palette indices, one byte per pixel, plus the palette to expand them with.
 *
 * <p>The pointer to ALE's pixel array is taken once: the array lives in the emulator for its whole
 * life, so each read is one 33,600-byte copy and allocates nothing.
 */
final class AleScreen {

  static final int WIDTH = 160;
  static final int HEIGHT = 210;

  private final BytePointer pixels;
  private final int[] palette = new int[256];

  AleScreen(ALEInterface emulator) {
    var screen = emulator.getScreen();
    if (screen.width() != WIDTH || screen.height() != HEIGHT) {
      throw new IllegalStateException(
          "expected a " + WIDTH + "x" + HEIGHT + " screen, ALE has " + screen.width() + "x" + screen.height());
    }
    pixels = screen.getArray();
    ColourPalette colours = emulator.theOSystem().colourPalette();
    for (int index = 0; index < 256; index++) {
      palette[index] = colours.getRGB(index);
    }
  }

  /** The palette as packed {@code 0xRRGGBB}, indexed by pixel value. */
  int[] palette() {
    return palette.clone();
  }

  /** Copies the current screen's palette indices into {@code dst}. */
  void read(byte[] dst) {
    pixels.position(0).get(dst, 0, WIDTH * HEIGHT);
  }
}
