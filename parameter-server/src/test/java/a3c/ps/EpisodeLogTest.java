package a3c.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import a3c.proto.EpisodeRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpisodeLogTest {
  @TempDir Path folder;

  @Test
  void aLineLeftHalfWrittenByAKilledServer_isCutOff_andTheNextServerAppendsWholeLines() throws Exception {
    Path csv = folder.resolve("episodes.csv");
    Files.writeString(csv, EpisodeLog.HEADER + "\n1,0.5,20,w0,-21,800,-21.0000,\n2,1.0,40,w0,-2");
    try (EpisodeLog log = new EpisodeLog(csv)) {
      log.append(EpisodeRecord.newBuilder().setUnixMs(3).setGlobalStep(60).setWorkerId("w1").setScore(-20).setLength(900).build(),
          1.5, -20.5, Double.NaN);
    }
    List<String> lines = Files.readAllLines(csv);
    assertEquals(List.of(EpisodeLog.HEADER, "1,0.5,20,w0,-21,800,-21.0000,", "3,1.500,60,w1,-20,900,-20.5000,"), lines);
  }
}
