package a3c.plot;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws the mean of the last 100 scores of one or more runs against episodes, like the reference's
 * running-average plot, or against wall-clock minutes, to compare runs of different speeds.
 */
public final class ScorePlot {
  public static final int WIDTH = 1000;
  public static final int HEIGHT = 600;

  /** What the x axis counts. */
  public enum Axis {
    EPISODES,
    MINUTES
  }

  private ScorePlot() {}

  /**
   * Reads each run's {@code episodes.csv} and writes one PNG with a line per run; the file is
   * replaced atomically so a viewer never sees half a picture.
   *
   * @throws IllegalArgumentException when a run has no readable episodes.csv
   */
  public static void draw(List<Path> runs, Axis axis, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeriesCollection lines = new XYSeriesCollection();
    for (Path run : runs) {
      EpisodesCsv csv = EpisodesCsv.read(run);
      XYSeries series = new XYSeries(csv.run() + " (" + csv.episodes() + " episodes)", false, true);
      for (int i = 0; i < csv.episodes(); i++) {
        series.add(axis == Axis.EPISODES ? i + 1 : csv.seconds()[i] / 60, csv.mean100()[i], false);
      }
      lines.addSeries(series);
    }
    JFreeChart chart = ChartFactory.createXYLineChart("Mean score of the last 100 episodes",
        axis == Axis.EPISODES ? "episodes" : "wall-clock minutes", "mean of the last 100 scores", lines,
        PlotOrientation.VERTICAL, true, false, false);
    for (int i = 0; i < lines.getSeriesCount(); i++) {
      chart.getXYPlot().getRenderer().setSeriesStroke(i, new BasicStroke(2f));
    }
    Path folder = png.toAbsolutePath().getParent();
    Files.createDirectories(folder);
    Path temporary = Files.createTempFile(folder, ".scores", ".png");
    try {
      ChartUtils.saveChartAsPNG(temporary.toFile(), chart, WIDTH, HEIGHT);
      Files.move(temporary, png, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
