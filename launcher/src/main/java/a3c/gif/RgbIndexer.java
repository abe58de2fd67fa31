package a3c.gif;

import java.awt.image.IndexColorModel;
import java.util.Arrays;

/**
 * Turns packed RGB pixels into palette indices for GIF, which stores at most 256 colours per frame.
 *
 * <p>Atari frames use a handful of colours, so the usual case is an exact palette found with a small
 * open-addressing table of primitive ints. A frame with more than 256 colours falls back to a fixed
 * 6x6x6 colour cube, where the nearest colour is the nearest level per channel: at most 25 off per
 * channel. One indexer is reused across frames and is not thread-safe.
 */
final class RgbIndexer {
  static final int MAX_COLOURS = 256;

  // A power of two kept at four times the palette size so linear probes stay short.
  private static final int TABLE_SIZE = 4 * MAX_COLOURS;
  private static final int TABLE_MASK = TABLE_SIZE - 1;
  private static final int TABLE_BITS = Integer.numberOfTrailingZeros(TABLE_SIZE);

  private static final int CUBE_LEVELS = 6;
  private static final int CUBE_STEP = 255 / (CUBE_LEVELS - 1);
  private static final IndexColorModel CUBE = cube();

  /** Each slot holds rgb + 1 so that 0 can mark an empty slot, black included. */
  private final int[] slotKeys = new int[TABLE_SIZE];
  private final byte[] slotIndices = new byte[TABLE_SIZE];
  private final byte[] reds = new byte[MAX_COLOURS];
  private final byte[] greens = new byte[MAX_COLOURS];
  private final byte[] blues = new byte[MAX_COLOURS];

  /**
   * Writes one palette index per pixel into {@code indices} and returns the palette they refer to.
   *
   * @param rgb packed RGB, three bytes per pixel
   * @param indices one byte per pixel, overwritten
   */
  IndexColorModel index(byte[] rgb, byte[] indices) {
    int colours = exactPalette(rgb, indices);
    if (colours < 0) {
      nearestInCube(rgb, indices);
      return CUBE;
    }
    return new IndexColorModel(8, colours, reds, greens, blues);
  }

  /** Returns the number of colours, or -1 when the frame has more than 256 (indices then hold garbage). */
  private int exactPalette(byte[] rgb, byte[] indices) {
    Arrays.fill(slotKeys, 0);
    int colours = 0;
    // Neighbouring pixels usually share a colour, so most pixels skip the table entirely.
    int lastKey = 0;
    byte lastIndex = 0;
    for (int pixel = 0, offset = 0; pixel < indices.length; pixel++, offset += 3) {
      int key = ((rgb[offset] & 0xff) << 16 | (rgb[offset + 1] & 0xff) << 8 | (rgb[offset + 2] & 0xff)) + 1;
      if (key != lastKey) {
        int slot = (key * 0x9E3779B9) >>> (32 - TABLE_BITS);
        while (slotKeys[slot] != 0 && slotKeys[slot] != key) {
          slot = (slot + 1) & TABLE_MASK;
        }
        if (slotKeys[slot] == 0) {
          if (colours == MAX_COLOURS) {
            return -1;
          }
          slotKeys[slot] = key;
          slotIndices[slot] = (byte) colours;
          reds[colours] = rgb[offset];
          greens[colours] = rgb[offset + 1];
          blues[colours] = rgb[offset + 2];
          colours++;
        }
        lastKey = key;
        lastIndex = slotIndices[slot];
      }
      indices[pixel] = lastIndex;
    }
    return colours;
  }

  private static void nearestInCube(byte[] rgb, byte[] indices) {
    for (int pixel = 0, offset = 0; pixel < indices.length; pixel++, offset += 3) {
      int red = level(rgb[offset]);
      int green = level(rgb[offset + 1]);
      int blue = level(rgb[offset + 2]);
      indices[pixel] = (byte) ((red * CUBE_LEVELS + green) * CUBE_LEVELS + blue);
    }
  }

  /** The nearest of the levels 0, 51, ..., 255 to one channel value. */
  private static int level(byte channel) {
    return ((channel & 0xff) + CUBE_STEP / 2) / CUBE_STEP;
  }

  private static IndexColorModel cube() {
    int size = CUBE_LEVELS * CUBE_LEVELS * CUBE_LEVELS;
    byte[] red = new byte[size];
    byte[] green = new byte[size];
    byte[] blue = new byte[size];
    for (int index = 0; index < size; index++) {
      red[index] = (byte) (index / (CUBE_LEVELS * CUBE_LEVELS) * CUBE_STEP);
      green[index] = (byte) (index / CUBE_LEVELS % CUBE_LEVELS * CUBE_STEP);
      blue[index] = (byte) (index % CUBE_LEVELS * CUBE_STEP);
    }
    return new IndexColorModel(8, size, red, green, blue);
  }
}
