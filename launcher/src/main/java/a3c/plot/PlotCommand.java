package a3c.plot;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "plot", mixinStandardHelpOptions = true,
    description = {"Draws running means of one or more runs' scores (their episodes.csv) on one chart.",
        "With --milestones, also prints when each measure of each run first reached each score."})
public final class PlotCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "run folders (or episodes.csv files)")
  List<Path> runs;

  @Option(names = "--out", description = "the PNG to write (default: scores.png in the first run folder)")
  Path out;

  @Option(names = "--x", description = "x axis: EPISODES or MINUTES (default: ${DEFAULT-VALUE})")
  ScorePlot.Axis axis = ScorePlot.Axis.EPISODES;

  @Option(names = "--measure", split = ",", description = "MEAN100 (ours: the last 100 episodes) and/or ROUNDS "
      + "(the reference's: the last 100 rounds of one episode per worker) (default: MEAN100)")
  List<Measure> measures = List.of(Measure.MEAN100);

  @Option(names = "--reference", paramLabel = "CSV", description = "a published curve to draw too: a minutes,score CSV "
      + "whose first # comment is its label, such as docs/reference-pong-2-workers.csv; needs --x MINUTES")
  Path reference;

  @Option(names = "--milestones", split = ",", paramLabel = "SCORE", description = "print the wall-clock minutes and "
      + "episodes at which each measure first reached each of these scores, e.g. -15,0,15,18")
  List<Double> milestones = List.of();

  public static void main(String[] args) {
    System.exit(new CommandLine(new PlotCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path png = out != null ? out : (runs.get(0).toFile().isDirectory() ? runs.get(0) : runs.get(0).toAbsolutePath().getParent())
        .resolve("scores.png");
    try {
      ScorePlot.draw(runs, axis, measures, reference == null ? null : ReferenceCurve.read(reference), png);
      for (Path run : runs) {
        printMilestones(EpisodesCsv.read(run));
      }
    } catch (IllegalArgumentException e) {
      System.err.println("plot: " + e.getMessage());
      return 2;
    }
    System.out.println("wrote " + png);
    return 0;
  }

  /** One line per measure and score: {@code milestone run=R measure=M score=S minutes=X episodes=N}, or never. */
  private void printMilestones(EpisodesCsv csv) {
    for (Measure measure : measures) {
      for (double score : milestones) {
        int episode = csv.firstReaching(measure, score);
        System.out.println(episode < 0
            ? String.format(Locale.ROOT, "milestone run=%s measure=%s score=%s minutes=never episodes=%d", csv.run(), measure, score, csv.episodes())
            : String.format(Locale.ROOT, "milestone run=%s measure=%s score=%s minutes=%.1f episodes=%d", csv.run(), measure, score,
                csv.seconds()[episode] / 60, episode + 1));
      }
    }
  }
}
