package a3c.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorePlotTest {
  @TempDir Path folder;

  private Path run(String name, double... scores) throws Exception {
    Path run = Files.createDirectories(folder.resolve(name));
    StringBuilder csv = new StringBuilder("unix_ms,seconds,global_step,worker,score,length,mean100,round_mean100\n");
    double sum = 0;
    for (int i = 0; i < scores.length; i++) {
      sum += scores[i];
      csv.append(i).append(',').append(i * 30.0).append(",0,w0,").append(scores[i]).append(",10,")
          .append(sum / (i + 1)).append(",\n");
    }
    Files.writeString(run.resolve("episodes.csv"), csv);
    return run;
  }

  @Test
  void twoRuns_drawOneDecodablePng_ofTheDocumentedSize() throws Exception {
    Path a = run("run-a", -21, -20, -19, -18);
    Path b = run("run-b", -21, -21, -20);
    Path png = folder.resolve("out/scores.png");
    ScorePlot.draw(List.of(a, b), ScorePlot.Axis.MINUTES, png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(ScorePlot.WIDTH, image.getWidth());
    assertEquals(ScorePlot.HEIGHT, image.getHeight());
    assertEquals(List.of(), Files.list(png.getParent()).filter(p -> p.toString().endsWith(".tmp")).toList());
  }

  @Test
  void readsTheColumnsItPlots() throws Exception {
    EpisodesCsv csv = EpisodesCsv.read(run("run-c", 1, 3));
    assertEquals("run-c", csv.run());
    assertEquals(2, csv.episodes());
    assertEquals(30.0, csv.seconds()[1]);
    assertEquals(2.0, csv.mean100()[1]);
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
