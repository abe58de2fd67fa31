package a3c.ps;

import a3c.files.AppendOnlyFile;
import a3c.proto.EpisodeRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * {@code episodes.csv}: one line per finished episode, appended as it is reported, so a run can be
 * plotted and compared while it trains and after. A resumed server appends to the same file.
 *
 * <p>On a full disk the lines wait in memory and reach the file, in order, once there is room; the
 * file never holds half a line, even after a server killed mid-write (the next one cuts it off).
 */
final class EpisodeLog implements AutoCloseable {
  /** What a write failure names. */
  static final String WHAT = "episodes.csv";
  static final String HEADER = "unix_ms,seconds,global_step,worker,score,length,mean100,round_mean100";
  /** Over a million episodes' lines: a disk full for that long loses the oldest waiting ones. */
  private static final long MAX_PENDING_BYTES = 64 << 20;

  private final AppendOnlyFile out;

  EpisodeLog(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      cutTornLine(file);
      out = AppendOnlyFile.open(file, StandardOpenOption.CREATE, MAX_PENDING_BYTES);
      if (out.size() == 0) {
        out.append(line(HEADER));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the episode log " + file, e);
    }
  }

  /**
   * Appends one episode with the running means after it; flushed at once so readers see it.
   *
   * @throws UncheckedIOException when it cannot be written yet: it waits, and goes with the next
   */
  synchronized void append(EpisodeRecord episode, double seconds, double mean100, double roundMean100) {
    out.append(line(String.format(Locale.ROOT, "%d,%.3f,%d,%s,%s,%d,%.4f,%s", episode.getUnixMs(), seconds,
        episode.getGlobalStep(), episode.getWorkerId(), number(episode.getScore()), episode.getLength(), mean100,
        Double.isNaN(roundMean100) ? "" : String.format(Locale.ROOT, "%.4f", roundMean100))));
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the episode log", e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  private static byte[] line(String text) {
    return (text + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Cuts a last line without its newline: half of one a killed server was writing. */
  private static void cutTornLine(Path file) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
      long end = raw.length();
      while (end > 0) {
        raw.seek(end - 1);
        if (raw.read() == '\n') {
          break;
        }
        end--;
      }
      if (end < raw.length()) {
        raw.setLength(end);
      }
    }
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
