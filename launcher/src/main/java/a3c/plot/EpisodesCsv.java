package a3c.plot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The columns of a run's {@code episodes.csv} that plots use: per episode, its wall-clock seconds
 * into the run, the mean of the last 100 scores after it, and the reference's measure (the mean of
 * the last 100 per-round averages; NaN until the first round completes).
 */
record EpisodesCsv(String run, double[] seconds, double[] mean100, double[] roundMean100) {
  private static final String HEADER_START = "unix_ms,seconds,global_step,worker,score,length,mean100,round_mean100";

  /**
   * Reads a run folder's {@code episodes.csv} (or the file itself).
   *
   * @throws IllegalArgumentException naming the file when it is missing or not an episodes log
   */
  static EpisodesCsv read(Path runOrFile) {
    Path file = Files.isDirectory(runOrFile) ? runOrFile.resolve("episodes.csv") : runOrFile;
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (lines.isEmpty() || !lines.get(0).startsWith(HEADER_START)) {
      throw new IllegalArgumentException(file + " is not an episodes.csv (its first line should start with " + HEADER_START + ")");
    }
    int rows = lines.size() - 1;
    double[] seconds = new double[rows];
    double[] mean100 = new double[rows];
    double[] roundMean100 = new double[rows];
    for (int i = 0; i < rows; i++) {
      String[] fields = lines.get(i + 1).split(",", -1);
      try {
        seconds[i] = Double.parseDouble(fields[1]);
        mean100[i] = Double.parseDouble(fields[6]);
        roundMean100[i] = fields[7].isEmpty() ? Double.NaN : Double.parseDouble(fields[7]);
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        throw new IllegalArgumentException(file + " line " + (i + 2) + " is malformed: " + lines.get(i + 1), e);
      }
    }
    Path folder = Files.isDirectory(runOrFile) ? runOrFile : file.toAbsolutePath().getParent();
    return new EpisodesCsv(folder.getFileName().toString(), seconds, mean100, roundMean100);
  }

  int episodes() {
    return seconds.length;
  }

  double[] values(Measure measure) {
    return measure == Measure.MEAN100 ? mean100 : roundMean100;
  }

  /** The index of the first episode after which {@code measure} is at least {@code score}; -1 if none. */
  int firstReaching(Measure measure, double score) {
    double[] values = values(measure);
    for (int i = 0; i < values.length; i++) {
      if (values[i] >= score) {
        return i;
      }
    }
    return -1;
  }
}
