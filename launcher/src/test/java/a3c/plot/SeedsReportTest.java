package a3c.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedsReportTest {
  @TempDir Path folder;

  /** A run whose both measures climb by one point a minute from -21, the rounds measure two minutes behind. */
  private Path run(String name, int minutes, double stepsPerSecond, String... games) throws Exception {
    Path run = Files.createDirectories(folder.resolve(name));
    List<String> lines = new ArrayList<>(List.of("unix_ms,seconds,global_step,worker,score,length,mean100,round_mean100"));
    for (int minute = 0; minute <= minutes; minute++) {
      lines.add(String.format("0,%d,0,w0,0,1,%d,%s", minute * 60, -21 + minute, minute < 2 ? "" : Integer.toString(-23 + minute)));
    }
    Files.write(run.resolve("episodes.csv"), lines);
    List<String> console = new ArrayList<>(List.of("progress seconds=10 agent_steps_per_s=1.0",
        "run-summary env=PongNoFrameskip-v4 workers=2 seconds=1.0 agent_steps=1 agent_steps_per_s=" + stepsPerSecond + " exit=target_reached"));
    for (int i = 0; i < games.length; i++) {
      console.add("test-game " + (i + 1) + " env=PongNoFrameskip-v4 score=" + games[i] + " length=800 direction_flips_pct=1.0");
    }
    Files.write(run.resolve("console.log"), console);
    return run;
  }

  @Test
  void perRunAndOverRuns_milestonesOnBothMeasures_ratesAndTestGames() throws Exception {
    List<SeedsReport.Run> runs = List.of(
        SeedsReport.read(run("seed-1", 39, 1500.0, "21", "21", "20"), List.of(0.0, 18.0)),
        SeedsReport.read(run("seed-2", 30, 1400.0, "21", "3", "21"), List.of(0.0, 18.0)),
        SeedsReport.read(run("seed-3", 45, 1600.0, "20.0", "21.0", "21.0"), List.of(0.0, 18.0)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SeedsReport.print(runs, List.of(0.0, 18.0), 20, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals("seed run=seed-1 episodes@0=21.0min/22ep episodes@18=39.0min/40ep rounds@0=23.0min/24ep rounds@18=never"
        + " agent_steps_per_s=1500.0 test_games=21,21,20", lines.get(0));
    // seed-2 stops at 30 minutes: ours reached 0 at 21 and never 18; the rounds measure reached 0 at 23.
    assertEquals("seeds measure=episodes score=18 reached=2/3 minutes=39.0[39.0..never] episodes=40[40..never]", lines.get(4));
    assertEquals("seeds measure=rounds score=0 reached=3/3 minutes=23.0[23.0..23.0] episodes=24[24..24]", lines.get(5));
    assertEquals("seeds measure=rounds score=18 reached=1/3 minutes=never[41.0..never] episodes=never[42..never]", lines.get(6));
    assertEquals("seeds agent_steps_per_s=1500.0[1400.0..1600.0] runs_with_every_test_game_at_least_20=2/3", lines.get(7));
  }

  @Test
  void spread_isTheMedianAndTheRange_theMeanOfTheMiddleTwoForAnEvenCount() {
    assertEquals("2.0[1.0..9.0]", SeedsReport.spread(new double[] {9, 1, 2}, "%.1f"));
    assertEquals("3.5[1.0..9.0]", SeedsReport.spread(new double[] {9, 1, 2, 5}, "%.1f"));
    assertEquals("none", SeedsReport.spread(new double[0], "%.1f"));
    assertEquals("9.0[1.0..never]", SeedsReport.spread(new double[] {9, 1, Double.POSITIVE_INFINITY}, "%.1f"));
  }

  @Test
  void aFolderWithoutEpisodes_isAClearError() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> SeedsReport.read(folder, List.of(0.0)));
    assertTrue(e.getMessage().startsWith("cannot read " + folder.resolve("episodes.csv")), e.getMessage());
  }
}
