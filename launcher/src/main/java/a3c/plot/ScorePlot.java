package a3c.plot;

import a3c.files.ReplacementFile;
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
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws running means of one or more runs' scores against episodes, like the reference's
 * running-average plot, or against wall-clock minutes, to compare runs of different speeds, and
 * optionally a published curve (the reference's) next to them.
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
   * Reads each run's {@code episodes.csv} and writes one PNG with a line per run and measure, plus
   * the reference curve if one is given (minutes only); the file is replaced atomically so a viewer
   * never sees half a picture.
   *
   * @throws IllegalArgumentException when a run has no readable episodes.csv, or a reference curve
   *     is asked for against episodes
   */
  public static void draw(List<Path> runs, Axis axis, List<Measure> measures, ReferenceCurve reference, Path png)
      throws IOException {
    if (reference != null && axis != Axis.MINUTES) {
      throw new IllegalArgumentException("a reference curve is in wall-clock minutes: draw it with --x MINUTES");
    }
    System.setProperty("java.awt.headless", "true");
    XYSeriesCollection lines = new XYSeriesCollection();
    for (Path run : runs) {
      EpisodesCsv csv = EpisodesCsv.read(run);
      for (Measure measure : measures) {
        XYSeries series = new XYSeries(csv.run() + ", " + measure.label + " (" + csv.episodes() + " episodes)", false, true);
        double[] values = csv.values(measure);
        for (int i = 0; i < csv.episodes(); i++) {
          if (!Double.isNaN(values[i])) {
            series.add(axis == Axis.EPISODES ? i + 1 : csv.seconds()[i] / 60, values[i], false);
          }
        }
        lines.addSeries(series);
      }
    }
    if (reference != null) {
      XYSeries series = new XYSeries(reference.label(), false, true);
      for (int i = 0; i < reference.minutes().length; i++) {
        series.add(reference.minutes()[i], reference.scores()[i], false);
      }
      lines.addSeries(series);
    }
    JFreeChart chart = ChartFactory.createXYLineChart("Running mean score",
        axis == Axis.EPISODES ? "episodes" : "wall-clock minutes", "running mean of the last 100 scores", lines,
        PlotOrientation.VERTICAL, true, false, false);
    XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
    for (int i = 0; i < lines.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    if (reference != null) {
      // A few published points: show them, joined by a dashed line.
      int last = lines.getSeriesCount() - 1;
      renderer.setSeriesShapesVisible(last, true);
      renderer.setSeriesStroke(last, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
          new float[] {8f, 6f}, 0f));
    }
    Path folder = png.toAbsolutePath().getParent();
    Files.createDirectories(folder);
    Path temporary = ReplacementFile.beside(png);
    try {
      ChartUtils.saveChartAsPNG(temporary.toFile(), chart, WIDTH, HEIGHT);
      Files.move(temporary, png, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
