package a3c.ps;

import a3c.proto.EpisodeRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * {@code episodes.csv}: one line per finished episode, appended as it is reported, so a run can be
 * plotted and compared while it trains and after. A resumed server appends to the same file.
 */
final class EpisodeLog implements AutoCloseable {
  static final String HEADER = "unix_ms,seconds,global_step,worker,score,length,mean100,round_mean100";

  private final BufferedWriter out;

  EpisodeLog(Path file) {
    try {
      Path folder = file.toAbsolutePath().getParent();
      Files.createDirectories(folder);
      boolean fresh = !Files.exists(file) || Files.size(file) == 0;
      out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      if (fresh) {
        out.write(HEADER);
        out.newLine();
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the episode log " + file, e);
    }
  }

  /** Appends one episode with the running means after it; flushed at once so readers see it. */
  synchronized void append(EpisodeRecord episode, double seconds, double mean100, double roundMean100) {
    try {
      out.write(String.format(Locale.ROOT, "%d,%.3f,%d,%s,%s,%d,%.4f,%s", episode.getUnixMs(), seconds,
          episode.getGlobalStep(), episode.getWorkerId(), number(episode.getScore()), episode.getLength(), mean100,
          Double.isNaN(roundMean100) ? "" : String.format(Locale.ROOT, "%.4f", roundMean100)));
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the episode log", e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
