package a3c.plot;

import a3c.files.ReplacementFile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
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

  /** One colour per run, shared by its measures: eight of Tableau's ten, which stay apart on white. */
  static final List<Color> RUN_COLORS = List.of(new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
      new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf));

  /** Within a run, the first measure is solid and the others dotted; the reference is dashed black. */
  private static final BasicStroke SOLID = new BasicStroke(2f);
  private static final BasicStroke DOTTED = new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f,
      new float[] {2f, 4f}, 0f);
  private static final BasicStroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
      new float[] {8f, 6f}, 0f);

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
    List<Color> colors = new ArrayList<>();
    List<BasicStroke> strokes = new ArrayList<>();
    for (int r = 0; r < runs.size(); r++) {
      EpisodesCsv csv = EpisodesCsv.read(runs.get(r));
      for (int m = 0; m < measures.size(); m++) {
        Measure measure = measures.get(m);
        XYSeries series = new XYSeries(csv.run() + ", " + measure.label + " (" + csv.episodes() + " episodes)", false, true);
        double[] values = csv.values(measure);
        for (int i = 0; i < csv.episodes(); i++) {
          if (!Double.isNaN(values[i])) {
            series.add(axis == Axis.EPISODES ? i + 1 : csv.seconds()[i] / 60, values[i], false);
          }
        }
        lines.addSeries(series);
        colors.add(RUN_COLORS.get(r % RUN_COLORS.size()));
        strokes.add(m == 0 ? SOLID : DOTTED);
      }
    }
    if (reference != null) {
      XYSeries series = new XYSeries(reference.label(), false, true);
      for (int i = 0; i < reference.minutes().length; i++) {
        series.add(reference.minutes()[i], reference.scores()[i], false);
      }
      lines.addSeries(series);
      colors.add(Color.BLACK);
      strokes.add(DASHED);
    }
    JFreeChart chart = ChartFactory.createXYLineChart("Running mean score",
        axis == Axis.EPISODES ? "episodes" : "wall-clock minutes", "running mean of the last 100 scores", lines,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
    // One path per series, so a dash pattern runs along the line rather than restarting per episode.
    renderer.setDrawSeriesLineAsPath(true);
    for (int i = 0; i < lines.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, colors.get(i));
      renderer.setSeriesStroke(i, strokes.get(i));
    }
    if (reference != null) {
      // A few published points: show them, joined by the dashed line.
      renderer.setSeriesShapesVisible(lines.getSeriesCount() - 1, true);
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
