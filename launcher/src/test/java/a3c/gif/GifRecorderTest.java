package a3c.gif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes real GIFs and decodes them with the JDK's GIF reader. */
class GifRecorderTest {
  private static final int WIDTH = 160;
  private static final int HEIGHT = 210;
  private static final String FORMAT = "javax_imageio_gif_image_1.0";

  @TempDir Path folder;

  @Test
  void tenFrames_decodeToTheSamePixels() throws IOException {
    Path gif = folder.resolve("episode.gif");
    List<byte[]> frames = new ArrayList<>();
    try (GifRecorder recorder = GifRecorder.create(gif, WIDTH, HEIGHT, 30)) {
      for (int k = 0; k < 10; k++) {
        byte[] frame = patterned(k);
        frames.add(frame);
        recorder.addFrame(frame);
      }
      assertEquals(10, recorder.frames());
    }

    Decoded decoded = decode(gif);
    assertEquals(10, decoded.images().size());
    for (int k = 0; k < 10; k++) {
      BufferedImage image = decoded.images().get(k);
      assertEquals(WIDTH, image.getWidth(), "frame " + k);
      assertEquals(HEIGHT, image.getHeight(), "frame " + k);
      assertEquals(background(k), rgbAt(image, 0, 0), "background of frame " + k);
      assertEquals(k == 9 ? background(k) : box(k), rgbAt(image, 40, 50), "box of frame " + k);
      assertEquals(k == 9 ? background(k) : stripe(k), rgbAt(image, 120, 21), "stripe of frame " + k);
      assertArrayEquals(pixelsOf(frames.get(k)), pixelsOf(image), "every pixel of frame " + k);
    }
  }

  @Test
  void metadata_delayIsThreeHundredthsAndLoopsForever() throws IOException {
    Path gif = folder.resolve("episode.gif");
    try (GifRecorder recorder = GifRecorder.create(gif, WIDTH, HEIGHT, 30)) {
      for (int k = 0; k < 3; k++) {
        recorder.addFrame(patterned(k));
      }
    }

    Decoded decoded = decode(gif);
    for (int k = 0; k < 3; k++) {
      IIOMetadataNode control = child(decoded.metadata().get(k), "GraphicControlExtension");
      assertEquals("3", control.getAttribute("delayTime"), "frame " + k);
      assertEquals("none", control.getAttribute("disposalMethod"), "frame " + k);
    }
    IIOMetadataNode loop = child(child(decoded.metadata().get(0), "ApplicationExtensions"), "ApplicationExtension");
    assertEquals("NETSCAPE", loop.getAttribute("applicationID"));
    assertEquals("2.0", loop.getAttribute("authenticationCode"));
    assertArrayEquals(new byte[] {1, 0, 0}, (byte[]) loop.getUserObject(), "sub-block 1, loop count 0 = forever");
  }

  @Test
  void delayHundredths_roundsToNearest() {
    assertEquals(3, GifRecorder.delayHundredths(30));
    assertEquals(4, GifRecorder.delayHundredths(25));
    assertEquals(2, GifRecorder.delayHundredths(60));
    assertEquals(1, GifRecorder.delayHundredths(100));
    assertEquals(100, GifRecorder.delayHundredths(1));
  }

  @Test
  void addFrame_wrongLength() throws IOException {
    try (GifRecorder recorder = GifRecorder.create(folder.resolve("bad.gif"), WIDTH, HEIGHT, 30)) {
      recorder.addFrame(patterned(0));
      IllegalArgumentException e = assertThrows(
          IllegalArgumentException.class, () -> recorder.addFrame(new byte[WIDTH * HEIGHT * 3 - 1]));
      assertTrue(e.getMessage().contains("100799") && e.getMessage().contains("100800"), e.getMessage());
    }
  }

  @Test
  void create_framesPerSecondOutOfRange() throws IOException {
    assertThrows(IllegalArgumentException.class, () -> GifRecorder.create(folder.resolve("a.gif"), WIDTH, HEIGHT, 0));
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> GifRecorder.create(folder.resolve("a.gif"), WIDTH, HEIGHT, 101));
    assertTrue(e.getMessage().contains("101"), e.getMessage());
    assertEquals(List.of(), list(folder), "a rejected recorder leaves no temporary file");
  }

  @Test
  void moreThan256Colours_approximatedWithinTheCubeStep() throws IOException {
    Path gif = folder.resolve("gradient.gif");
    byte[] frame = new byte[WIDTH * HEIGHT * 3];
    for (int y = 0, offset = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++, offset += 3) {
        frame[offset] = (byte) (x * 255 / (WIDTH - 1));
        frame[offset + 1] = (byte) (y * 255 / (HEIGHT - 1));
        frame[offset + 2] = (byte) (x * y);
      }
    }
    try (GifRecorder recorder = GifRecorder.create(gif, WIDTH, HEIGHT, 30)) {
      recorder.addFrame(frame);
      recorder.addFrame(patterned(1));
    }

    Decoded decoded = decode(gif);
    assertEquals(2, decoded.images().size());
    int[] approximated = pixelsOf(decoded.images().get(0));
    int[] original = pixelsOf(frame);
    for (int pixel = 0; pixel < original.length; pixel++) {
      for (int shift = 0; shift <= 16; shift += 8) {
        int error = Math.abs((original[pixel] >> shift & 0xff) - (approximated[pixel] >> shift & 0xff));
        assertTrue(error <= 25, "pixel " + pixel + " channel off by " + error);
      }
    }
    assertArrayEquals(pixelsOf(patterned(1)), pixelsOf(decoded.images().get(1)), "a small-palette frame after it is exact");
  }

  @Test
  void exactly256Colours_areExact() throws IOException {
    Path gif = folder.resolve("full.gif");
    byte[] frame = new byte[WIDTH * HEIGHT * 3];
    for (int pixel = 0; pixel < WIDTH * HEIGHT; pixel++) {
      int colour = pixel % 256;
      frame[3 * pixel] = (byte) colour;
      frame[3 * pixel + 1] = (byte) (255 - colour);
      frame[3 * pixel + 2] = (byte) (colour * 3);
    }
    try (GifRecorder recorder = GifRecorder.create(gif, WIDTH, HEIGHT, 30)) {
      recorder.addFrame(frame);
    }
    assertArrayEquals(pixelsOf(frame), pixelsOf(decode(gif).images().get(0)));
  }

  @Test
  void close_publishesOnlyTheWholeFile() throws IOException {
    Path gif = folder.resolve("episode.gif");
    Files.writeString(gif, "old recording");
    try (GifRecorder recorder = GifRecorder.create(gif, WIDTH, HEIGHT, 30)) {
      recorder.addFrame(patterned(0));
      assertEquals("old recording", Files.readString(gif), "the old file stays until close");
      assertEquals(2, list(folder).size(), "the frames go to a temporary file beside it");
    }
    assertEquals(List.of(gif), list(folder));
    assertEquals(1, decode(gif).images().size());
  }

  @Test
  void close_withoutFrames() throws IOException {
    Path gif = folder.resolve("empty.gif");
    GifRecorder recorder = GifRecorder.create(gif, WIDTH, HEIGHT, 30);
    IllegalStateException e = assertThrows(IllegalStateException.class, recorder::close);
    assertTrue(e.getMessage().contains("no frames"), e.getMessage());
    assertEquals(List.of(), list(folder));
    recorder.close();
    assertThrows(IllegalStateException.class, () -> recorder.addFrame(patterned(0)));
    assertFalse(Files.exists(gif));
  }

  /** Frame k: a background, a box and stripes, each in colours unique to k; frame 9 is one colour. */
  private static byte[] patterned(int k) {
    byte[] frame = new byte[WIDTH * HEIGHT * 3];
    for (int y = 0, offset = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++, offset += 3) {
        int rgb = background(k);
        if (k != 9 && x >= 20 && x < 60 && y >= 30 && y < 90) {
          rgb = box(k);
        } else if (k != 9 && x >= 100 && y % 10 < 3) {
          rgb = stripe(k);
        }
        frame[offset] = (byte) (rgb >> 16);
        frame[offset + 1] = (byte) (rgb >> 8);
        frame[offset + 2] = (byte) rgb;
      }
    }
    return frame;
  }

  private static int background(int k) {
    return (k * 20) << 16 | (255 - k * 20) << 8 | (k * 37 % 256);
  }

  private static int box(int k) {
    return (255 - k * 10) << 16 | (k * 25) << 8 | 128;
  }

  private static int stripe(int k) {
    return (k * 13) << 8 | 200;
  }

  private static int rgbAt(BufferedImage image, int x, int y) {
    return image.getRGB(x, y) & 0xffffff;
  }

  private static int[] pixelsOf(byte[] rgb) {
    int[] pixels = new int[rgb.length / 3];
    for (int pixel = 0; pixel < pixels.length; pixel++) {
      pixels[pixel] = (rgb[3 * pixel] & 0xff) << 16 | (rgb[3 * pixel + 1] & 0xff) << 8 | (rgb[3 * pixel + 2] & 0xff);
    }
    return pixels;
  }

  private static int[] pixelsOf(BufferedImage image) {
    int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    for (int pixel = 0; pixel < pixels.length; pixel++) {
      pixels[pixel] &= 0xffffff;
    }
    return pixels;
  }

  /** Every frame of a GIF and its native metadata tree, as the JDK's reader sees them. */
  private record Decoded(List<BufferedImage> images, List<IIOMetadataNode> metadata) {}

  private static Decoded decode(Path gif) throws IOException {
    ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
    try (ImageInputStream input = ImageIO.createImageInputStream(gif.toFile())) {
      reader.setInput(input);
      int count = reader.getNumImages(true);
      List<BufferedImage> images = new ArrayList<>();
      List<IIOMetadataNode> metadata = new ArrayList<>();
      for (int index = 0; index < count; index++) {
        images.add(reader.read(index));
        metadata.add((IIOMetadataNode) reader.getImageMetadata(index).getAsTree(FORMAT));
      }
      return new Decoded(images, metadata);
    } finally {
      reader.dispose();
    }
  }

  private static IIOMetadataNode child(IIOMetadataNode parent, String name) {
    for (int i = 0; i < parent.getLength(); i++) {
      if (parent.item(i).getNodeName().equals(name)) {
        return (IIOMetadataNode) parent.item(i);
      }
    }
    throw new AssertionError(parent.getNodeName() + " has no " + name);
  }

  private static List<Path> list(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.toList();
    }
  }
}
