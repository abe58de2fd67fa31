package a3c.plot;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scripts/plot RUN_DIR...}: one chart of the runs' running mean scores. */
@Command(name = "plot", mixinStandardHelpOptions = true,
    description = "Draws the mean of the last 100 scores of one or more runs (their episodes.csv) on one chart.")
public final class PlotCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "run folders (or episodes.csv files)")
  List<Path> runs;

  @Option(names = "--out", description = "the PNG to write (default: scores.png in the first run folder)")
  Path out;

  @Option(names = "--x", description = "x axis: EPISODES or MINUTES (default: ${DEFAULT-VALUE})")
  ScorePlot.Axis axis = ScorePlot.Axis.EPISODES;

  public static void main(String[] args) {
    System.exit(new CommandLine(new PlotCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path png = out != null ? out : (runs.get(0).toFile().isDirectory() ? runs.get(0) : runs.get(0).toAbsolutePath().getParent())
        .resolve("scores.png");
    try {
      ScorePlot.draw(runs, axis, png);
    } catch (IllegalArgumentException e) {
      System.err.println("plot: " + e.getMessage());
      return 2;
    }
    System.out.println("wrote " + png);
    return 0;
  }
}
