package a3c.launcher;

import a3c.files.WriteFailures;
import a3c.plot.Measure;
import a3c.plot.ScorePlot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** A run's {@code scores.png}, redrawn from its {@code episodes.csv} as the run goes; a failure is only said, once. */
final class ScoresChart {
  private static final int EPISODES_HEADER_BYTES = 80;

  private final Path runDir;
  private final WriteFailures failures;

  ScoresChart(Path runDir, Consumer<String> say) {
    this.runDir = runDir;
    this.failures = new WriteFailures(line -> say.accept("[launcher] " + line));
  }

  /** Redraws the chart, once there are episodes. */
  void draw() {
    Path episodes = runDir.resolve("episodes.csv");
    try {
      if (Files.exists(episodes) && Files.size(episodes) > EPISODES_HEADER_BYTES) {
        ScorePlot.draw(List.of(runDir), ScorePlot.Axis.EPISODES, List.of(Measure.MEAN100), null, runDir.resolve("scores.png"));
        failures.succeeded("scores.png");
      }
    } catch (IOException | RuntimeException e) {
      failures.failed("scores.png", e);
    }
  }
}
