package a3c.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScorePlotTest {
  @TempDir Path folder;

  private Path run(String name, double... scores) throws Exception {
    Path run = Files.createDirectories(folder.resolve(name));
    StringBuilder csv = new StringBuilder("unix_ms,seconds,global_step,worker,score,length,mean100,round_mean100\n");
    double sum = 0;
    for (int i = 0; i < scores.length; i++) {
      sum += scores[i];
      // Two workers: a round completes with every second episode; its mean here is just that episode's score.
      String roundMean = i % 2 == 1 ? Double.toString(scores[i]) : "";
      csv.append(i).append(',').append(i * 30.0).append(",0,w0,").append(scores[i]).append(",10,")
          .append(sum / (i + 1)).append(',').append(roundMean).append('\n');
    }
    Files.writeString(run.resolve("episodes.csv"), csv);
    return run;
  }

  @Test
  void twoRuns_drawOneDecodablePng_ofTheDocumentedSize() throws Exception {
    Path a = run("run-a", -21, -20, -19, -18);
    Path b = run("run-b", -21, -21, -20);
    Path png = folder.resolve("out/scores.png");
    ScorePlot.draw(List.of(a, b), ScorePlot.Axis.MINUTES, List.of(Measure.MEAN100, Measure.ROUNDS),
        ReferenceCurve.read(reference()), png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(ScorePlot.WIDTH, image.getWidth());
    assertEquals(ScorePlot.HEIGHT, image.getHeight());
    assertEquals(List.of(), Files.list(png.getParent()).filter(p -> p.toString().endsWith(".tmp")).toList());
    for (int r = 0; r < 2; r++) {
      assertTrue(countPixels(image, ScorePlot.RUN_COLORS.get(r).getRGB()) > 20, "run " + r + " has its own colour");
    }
    assertEquals(0, countPixels(image, ScorePlot.RUN_COLORS.get(2).getRGB()), "no third run, no third colour");
  }

  private static int countPixels(BufferedImage image, int rgb) {
    int count = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        count += (image.getRGB(x, y) | 0xff000000) == (rgb | 0xff000000) ? 1 : 0;
      }
    }
    return count;
  }

  @Test
  void readsTheColumnsItPlots() throws Exception {
    EpisodesCsv csv = EpisodesCsv.read(run("run-c", 1, 3));
    assertEquals("run-c", csv.run());
    assertEquals(2, csv.episodes());
    assertEquals(30.0, csv.seconds()[1]);
    assertEquals(2.0, csv.mean100()[1]);
    assertTrue(Double.isNaN(csv.roundMean100()[0]), "no round completed after the first episode");
    assertEquals(3.0, csv.roundMean100()[1]);
  }

  private Path reference() throws Exception {
    return Files.writeString(folder.resolve("reference.csv"), "# the reference\n# a note\nminutes,score\n10,-20.3\n20,-17.7\n");
  }

  @Test
  void referenceCurve_readsItsLabelAndPoints_andRefusesAMalformedLine() throws Exception {
    ReferenceCurve curve = ReferenceCurve.read(reference());
    assertEquals("the reference", curve.label());
    assertArrayEquals(new double[] {10, 20}, curve.minutes());
    assertArrayEquals(new double[] {-20.3, -17.7}, curve.scores());
    Path bad = Files.writeString(folder.resolve("bad.csv"), "minutes,score\n10,-20.3\n20;-17.7\n");
    assertEquals(bad + " line 3 is not minutes,score: '20;-17.7'",
        assertThrows(IllegalArgumentException.class, () -> ReferenceCurve.read(bad)).getMessage());
  }

  @Test
  void aReferenceCurve_againstEpisodes_isRefused() throws Exception {
    Path a = run("run-a", -21, -20);
    assertThrows(IllegalArgumentException.class, () -> ScorePlot.draw(List.of(a), ScorePlot.Axis.EPISODES,
        List.of(Measure.MEAN100), ReferenceCurve.read(reference()), folder.resolve("x.png")));
  }

  @Test
  void milestones_printWhenEachMeasureFirstReachedEachScore() throws Exception {
    Path run = run("run-m", -21, -15, -10, 0);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = System.out;
    Locale locale = Locale.getDefault();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    // A locale with a decimal comma: the lines are for scripts, so they keep the point wherever they run.
    Locale.setDefault(Locale.GERMANY);
    int exit;
    try {
      exit = new CommandLine(new PlotCommand()).execute(run.toString(), "--x", "MINUTES", "--measure", "MEAN100,ROUNDS",
          "--milestones", "-15,0", "--out", folder.resolve("m.png").toString());
    } finally {
      Locale.setDefault(locale);
      System.setOut(out);
    }
    assertEquals(0, exit);
    // mean100 after each episode: -21, -18, -15.33, -11.5; the rounds' means: -15 (episode 2), 0 (episode 4).
    assertEquals(List.of(
            "milestone run=run-m measure=MEAN100 score=-15.0 minutes=1.5 episodes=4",
            "milestone run=run-m measure=MEAN100 score=0.0 minutes=never episodes=4",
            "milestone run=run-m measure=ROUNDS score=-15.0 minutes=0.5 episodes=2",
            "milestone run=run-m measure=ROUNDS score=0.0 minutes=1.5 episodes=4",
            "wrote " + folder.resolve("m.png")),
        printed.toString(StandardCharsets.UTF_8).lines().toList());
  }

  @Test
  void aFolderWithoutEpisodes_orAnotherFile_isRefusedWithItsName() throws Exception {
    Path empty = Files.createDirectories(folder.resolve("empty"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> EpisodesCsv.read(empty)).getMessage()
        .startsWith("cannot read " + empty.resolve("episodes.csv")));
    Path other = Files.writeString(folder.resolve("other.csv"), "a,b,c\n1,2,3\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> EpisodesCsv.read(other)).getMessage()
        .startsWith(other + " is not an episodes.csv"));
  }
}
