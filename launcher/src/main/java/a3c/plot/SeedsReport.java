package a3c.plot;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The figures of several runs of one setup that differ only in their seed, as the field reports
 * learning: per run, and then the median, min and max over the runs. A run is its folder: its
 * {@code episodes.csv} for the milestones and the {@code console.log} that {@code scripts/seeds}
 * keeps for the run's summary line and greedy test games.
 */
@Command(name = "seeds-report", mixinStandardHelpOptions = true,
    description = "Per run and over all runs (median, min, max): minutes and episodes to each milestone on both "
        + "measures, agent steps/s and the greedy test games.")
public final class SeedsReport implements Callable<Integer> {
  private static final Pattern STEPS_PER_S = Pattern.compile("^run-summary .*\\bagent_steps_per_s=([0-9.]+)");
  private static final Pattern TEST_GAME = Pattern.compile("^test-game \\d+ .*\\bscore=(-?[0-9.]+)");

  @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "the runs' folders")
  List<Path> runs;

  @Option(names = "--milestones", split = ",", paramLabel = "SCORE", description = "scores to time (default: -15,0,15 and "
      + "the target)", required = true)
  List<Double> milestones;

  @Option(names = "--good-game", description = "a test game counts as good at or above this score (default: ${DEFAULT-VALUE})")
  double goodGame = 20;

  /** One run's figures; NaN where a milestone was never reached or a figure is missing. */
  record Run(String name, double[][] minutes, int[][] episodes, double agentStepsPerSecond, double[] testGames) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new SeedsReport()).execute(args));
  }

  @Override
  public Integer call() {
    List<Run> read = new ArrayList<>();
    try {
      for (Path run : runs) {
        read.add(read(run, milestones));
      }
    } catch (IllegalArgumentException e) {
      System.err.println("seeds-report: " + e.getMessage());
      return 2;
    }
    print(read, milestones, goodGame, System.out);
    return 0;
  }

  static Run read(Path folder, List<Double> milestones) {
    EpisodesCsv csv = EpisodesCsv.read(folder);
    Measure[] measures = Measure.values();
    double[][] minutes = new double[measures.length][milestones.size()];
    int[][] episodes = new int[measures.length][milestones.size()];
    for (int m = 0; m < measures.length; m++) {
      for (int s = 0; s < milestones.size(); s++) {
        int first = csv.firstReaching(measures[m], milestones.get(s));
        minutes[m][s] = first < 0 ? Double.NaN : csv.seconds()[first] / 60;
        episodes[m][s] = first < 0 ? -1 : first + 1;
      }
    }
    double stepsPerSecond = Double.NaN;
    List<Double> games = new ArrayList<>();
    Path console = folder.resolve("console.log");
    if (Files.exists(console)) {
      try {
        for (String line : Files.readAllLines(console)) {
          Matcher summary = STEPS_PER_S.matcher(line);
          if (summary.find()) {
            stepsPerSecond = Double.parseDouble(summary.group(1));
          }
          Matcher game = TEST_GAME.matcher(line);
          if (game.find()) {
            games.add(Double.parseDouble(game.group(1)));
          }
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + console + ": " + e.getMessage(), e);
      }
    }
    return new Run(csv.run(), minutes, episodes, stepsPerSecond, games.stream().mapToDouble(Double::doubleValue).toArray());
  }

  static void print(List<Run> runs, List<Double> milestones, double goodGame, PrintStream out) {
    Measure[] measures = Measure.values();
    for (Run run : runs) {
      StringBuilder line = new StringBuilder("seed run=" + run.name());
      for (int m = 0; m < measures.length; m++) {
        for (int s = 0; s < milestones.size(); s++) {
          line.append(String.format(Locale.ROOT, " %s@%s=%s", key(measures[m]), score(milestones.get(s)),
              Double.isNaN(run.minutes()[m][s]) ? "never"
                  : String.format(Locale.ROOT, "%.1fmin/%dep", run.minutes()[m][s], run.episodes()[m][s])));
        }
      }
      line.append(String.format(Locale.ROOT, " agent_steps_per_s=%.1f test_games=%s", run.agentStepsPerSecond(),
          Arrays.stream(run.testGames()).mapToObj(g -> String.format(Locale.ROOT, "%.0f", g)).reduce((a, b) -> a + "," + b)
              .orElse("none")));
      out.println(line);
    }
    for (int m = 0; m < measures.length; m++) {
      for (int s = 0; s < milestones.size(); s++) {
        int mm = m;
        int ss = s;
        // A run that never reached the milestone counts as slower than every run that did, so that
        // the median is over all runs, not over the lucky ones.
        double[] minutes = runs.stream().mapToDouble(run -> run.minutes()[mm][ss])
            .map(x -> Double.isNaN(x) ? Double.POSITIVE_INFINITY : x).toArray();
        double[] episodes = runs.stream().mapToDouble(run -> run.episodes()[mm][ss])
            .map(x -> x > 0 ? x : Double.POSITIVE_INFINITY).toArray();
        long reached = Arrays.stream(minutes).filter(Double::isFinite).count();
        out.println(String.format(Locale.ROOT, "seeds measure=%s score=%s reached=%d/%d minutes=%s episodes=%s", key(measures[m]),
            score(milestones.get(s)), reached, runs.size(), spread(minutes, "%.1f"), spread(episodes, "%.0f")));
      }
    }
    double[] rates = runs.stream().mapToDouble(Run::agentStepsPerSecond).filter(x -> !Double.isNaN(x)).toArray();
    long allGood = runs.stream().filter(run -> run.testGames().length > 0
        && Arrays.stream(run.testGames()).allMatch(game -> game >= goodGame)).count();
    out.println(String.format(Locale.ROOT, "seeds agent_steps_per_s=%s runs_with_every_test_game_at_least_%s=%d/%d",
        spread(rates, "%.1f"), score(goodGame), allGood, runs.size()));
  }

  /** The measures' names as the CSV and the stop flag spell them. */
  private static String key(Measure measure) {
    return measure == Measure.MEAN100 ? "episodes" : "rounds";
  }

  private static String score(double score) {
    return score == Math.rint(score) ? String.format(Locale.ROOT, "%.0f", score) : Double.toString(score);
  }

  /**
   * {@code median[min..max]}, or {@code none}; the median of an even count is the mean of the middle
   * two. An infinite value (a milestone never reached) prints as {@code never}.
   */
  static String spread(double[] values, String format) {
    if (values.length == 0) {
      return "none";
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return value(median, format) + "[" + value(sorted[0], format) + ".." + value(sorted[n - 1], format) + "]";
  }

  private static String value(double x, String format) {
    return Double.isInfinite(x) ? "never" : String.format(Locale.ROOT, format, x);
  }
}
