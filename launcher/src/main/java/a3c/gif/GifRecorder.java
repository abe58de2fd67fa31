package a3c.gif;

import a3c.files.ReplacementFile;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes game frames as an animated GIF that loops forever.
 *
 * <p>Frames are packed RGB bytes, row-major, {@code height x width x 3} (210 x 160 x 3 for Atari).
 * Each frame gets its own palette of its exact colours; a frame with more than 256 colours is
 * approximated with a 6x6x6 colour cube (at most 25 off per channel).
 *
 * <p>GIF stores frame delays in hundredths of a second, so the delay is {@code round(100 / fps)}
 * hundredths: 30 fps becomes 3 (33.3 fps, 10% fast), 60 fps becomes 2 (50 fps). Browsers
 * slow delays below 2 hundredths down to about 10, so rates above 50 fps play slowly there.
 *
 * <p>The GIF is written to a temporary file in the same folder and moved into place by {@link #close()},
 * so a half-written GIF never appears under its name. Not thread-safe.
 */
public final class GifRecorder implements AutoCloseable {
  private static final int MAX_SIDE = 65_535;

  private final Path file;
  private final Path temp;
  private final int width;
  private final int height;
  private final int delayHundredths;
  private final ImageWriter writer;
  private final ImageOutputStream output;
  private final RgbIndexer indexer = new RgbIndexer();
  // The encoder is done with a frame when writeToSequence returns, so one raster serves every frame.
  private final byte[] indices;
  private final WritableRaster raster;
  private int frames;
  private boolean failed;
  private boolean closed;

  private GifRecorder(Path file, Path temp, int width, int height, int delayHundredths,
      ImageWriter writer, ImageOutputStream output) {
    this.file = file;
    this.temp = temp;
    this.width = width;
    this.height = height;
    this.delayHundredths = delayHundredths;
    this.writer = writer;
    this.output = output;
    this.indices = new byte[width * height];
    this.raster = Raster.createInterleavedRaster(
        new DataBufferByte(indices, indices.length), width, height, width, 1, new int[] {0}, null);
  }

  /**
   * Starts a recording that {@link #close()} publishes at {@code file}, replacing any file there.
   *
   * @throws IllegalArgumentException when a side is outside 1..65535 or the rate outside 1..100 fps
   * @throws IOException when the temporary file next to {@code file} cannot be created
   */
  public static GifRecorder create(Path file, int width, int height, int framesPerSecond) throws IOException {
    if (width < 1 || width > MAX_SIDE || height < 1 || height > MAX_SIDE) {
      throw new IllegalArgumentException(
          "GIF width and height must be in 1.." + MAX_SIDE + ", got " + width + "x" + height);
    }
    if ((long) width * height * 3 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a " + width + "x" + height + " RGB frame does not fit in a Java array");
    }
    if (framesPerSecond < 1 || framesPerSecond > 100) {
      throw new IllegalArgumentException(
          "frames per second must be in 1..100 (GIF delays are whole hundredths), got " + framesPerSecond);
    }
    Path target = file.toAbsolutePath();
    Path temp = ReplacementFile.beside(target);
    ImageWriter writer = null;
    ImageOutputStream output = null;
    try {
      writer = gifWriter();
      output = ImageIO.createImageOutputStream(temp.toFile());
      if (output == null) {
        throw new IOException("no image output stream for " + temp);
      }
      writer.setOutput(output);
      writer.prepareWriteSequence(null);
    } catch (IOException | RuntimeException e) {
      if (writer != null) {
        writer.dispose();
      }
      if (output != null) {
        output.close();
      }
      Files.deleteIfExists(temp);
      throw e;
    }
    return new GifRecorder(target, temp, width, height, delayHundredths(framesPerSecond), writer, output);
  }

  /** The GIF delay for a frame rate of 1..100 fps: {@code round(100 / fps)} hundredths of a second. */
  static int delayHundredths(int framesPerSecond) {
    return Math.round(100f / framesPerSecond);
  }

  /**
   * Appends one frame of packed RGB bytes, row-major, {@code height x width x 3}.
   *
   * @throws IllegalArgumentException when the frame has the wrong number of bytes
   * @throws IllegalStateException when the recorder is closed or an earlier frame failed to write
   */
  public void addFrame(byte[] rgb) throws IOException {
    if (closed) {
      throw new IllegalStateException("the GIF recorder for " + file + " is closed");
    }
    if (failed) {
      throw new IllegalStateException("an earlier frame failed to write to " + file + "; the recording is lost");
    }
    int expected = width * height * 3;
    if (rgb.length != expected) {
      throw new IllegalArgumentException("frame has " + rgb.length + " bytes but a " + width + "x" + height
          + " RGB frame needs " + expected + " (height x width x 3)");
    }
    IndexColorModel palette = indexer.index(rgb, indices);
    BufferedImage image = new BufferedImage(palette, raster, false, null);
    try {
      writer.writeToSequence(
          new IIOImage(image, null, FrameMetadata.build(
              writer, ImageTypeSpecifier.createFromRenderedImage(image), delayHundredths, frames == 0)),
          null);
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
    frames++;
  }

  /** Frames added so far. */
  public int frames() {
    return frames;
  }

  /**
   * Finishes the GIF and moves it into place; a second call does nothing.
   *
   * <p>After a failed frame the temporary file is deleted and nothing is published.
   *
   * @throws IllegalStateException when no frame was added (a GIF needs at least one); nothing is written
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    boolean complete = !failed && frames > 0;
    boolean written = false;
    try {
      try {
        if (complete) {
          writer.endWriteSequence();
        }
      } finally {
        writer.dispose();
        output.close();
      }
      written = complete;
    } finally {
      if (!written) {
        Files.deleteIfExists(temp);
      }
    }
    if (frames == 0) {
      throw new IllegalStateException("no frames were added, so no GIF was written to " + file);
    }
    if (written) {
      // Same folder, so the rename is atomic: readers see the old file or the whole new one.
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static ImageWriter gifWriter() throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("gif");
    if (!writers.hasNext()) {
      throw new IOException("this JDK has no javax.imageio GIF writer");
    }
    return writers.next();
  }
}
