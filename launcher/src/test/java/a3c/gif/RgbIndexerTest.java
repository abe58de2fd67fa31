package a3c.gif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.IndexColorModel;
import org.junit.jupiter.api.Test;

class RgbIndexerTest {
  private final RgbIndexer indexer = new RgbIndexer();

  @Test
  void index_fewColours_exactPaletteInFirstSeenOrder() {
    int[] colours = {0x000000, 0xff0000, 0x000000, 0x123456, 0xff0000, 0xffffff};
    byte[] indices = new byte[colours.length];
    IndexColorModel palette = indexer.index(rgb(colours), indices);

    assertEquals(4, palette.getMapSize());
    int[] expectedIndices = {0, 1, 0, 2, 1, 3};
    for (int pixel = 0; pixel < colours.length; pixel++) {
      assertEquals(expectedIndices[pixel], indices[pixel], "pixel " + pixel);
      assertEquals(colours[pixel], palette.getRGB(indices[pixel] & 0xff) & 0xffffff, "pixel " + pixel);
    }
  }

  @Test
  void index_257Colours_nearestInTheCube() {
    int[] colours = new int[257];
    for (int pixel = 0; pixel < colours.length; pixel++) {
      colours[pixel] = pixel * 0x010203 & 0xffffff;
    }
    colours[256] = 0x1a3380; // 26, 51, 128 -> levels 51, 51, 153
    byte[] indices = new byte[colours.length];
    IndexColorModel palette = indexer.index(rgb(colours), indices);

    assertEquals(216, palette.getMapSize());
    assertEquals(0x333399, palette.getRGB(indices[256] & 0xff) & 0xffffff);
    for (int pixel = 0; pixel < colours.length; pixel++) {
      int decoded = palette.getRGB(indices[pixel] & 0xff);
      for (int shift = 0; shift <= 16; shift += 8) {
        int error = Math.abs((colours[pixel] >> shift & 0xff) - (decoded >> shift & 0xff));
        assertTrue(error <= 25, "pixel " + pixel + " channel off by " + error);
      }
    }
  }

  @Test
  void index_reusedAcrossFrames_startsEachPaletteAfresh() {
    byte[] indices = new byte[2];
    indexer.index(rgb(new int[] {0x111111, 0x222222}), indices);
    IndexColorModel palette = indexer.index(rgb(new int[] {0x333333, 0x333333}), indices);

    assertEquals(1, palette.getMapSize());
    assertEquals(0x333333, palette.getRGB(indices[1] & 0xff) & 0xffffff);
  }

  private static byte[] rgb(int[] colours) {
    byte[] packed = new byte[colours.length * 3];
    for (int pixel = 0; pixel < colours.length; pixel++) {
      packed[3 * pixel] = (byte) (colours[pixel] >> 16);
      packed[3 * pixel + 1] = (byte) (colours[pixel] >> 8);
      packed[3 * pixel + 2] = (byte) colours[pixel];
    }
    return packed;
  }
}
