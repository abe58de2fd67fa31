package a3c.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.proto.EpisodeRecord;
import a3c.proto.LearnerStats;
import a3c.store.Snapshot;
import a3c.store.Staleness;
import a3c.tensorboard.EventReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingScalarsTest {
  @TempDir Path folder;

  @Test
  void episodesLossesAndRates_readBackFromTheEventFile() throws Exception {
    try (TrainingScalars scalars = new TrainingScalars(folder)) {
      scalars.episode(EpisodeRecord.newBuilder().setScore(-21).setLength(800).setGlobalStep(800).setUnixMs(1_000_000).build(),
          -21, Double.NaN);
      LearnerStats stats = LearnerStats.newBuilder().setPolicyLoss(0.5f).setValueLoss(2f).setEntropy(1.7f).setGradNorm(12f).build();
      scalars.update(new Snapshot(10, 200, 10, 800, new Staleness(5, 10, 0, 0), null), stats, 1_000_000);
      scalars.update(new Snapshot(11, 220, 11, 880, new Staleness(6, 11, 1, 1), null), stats, 1_000_500);
      scalars.update(new Snapshot(60, 1200, 60, 4800, new Staleness(105, 60, 20, 20), null), stats, 1_002_000);
    }
    List<Path> files = Files.list(folder).toList();
    assertEquals(1, files.size());
    assertTrue(files.get(0).getFileName().toString().startsWith("events.out.tfevents."));
    List<EventReader.Event> events = EventReader.read(files.get(0));
    assertEquals("brain.Event:2", events.get(0).fileVersion());
    Map<String, List<Float>> byTag = events.stream().flatMap(e -> e.values().stream())
        .collect(Collectors.groupingBy(EventReader.Value::tag, Collectors.mapping(EventReader.Value::simpleValue, Collectors.toList())));
    assertEquals(List.of(-21f), byTag.get("charts/episodic_return"));
    assertEquals(List.of(800f), byTag.get("charts/episodic_length"));
    assertEquals(null, byTag.get("charts/round_mean100"), "no round yet");
    // Rates over the 2 s since the first update; the update at 0.5 s is within the interval and skipped.
    assertEquals(List.of(500f), byTag.get("charts/SPS"));
    assertEquals(List.of(2000f), byTag.get("charts/frames_per_s"));
    assertEquals(List.of(25f), byTag.get("charts/updates_per_s"));
    // The means over the 50 updates since the first: 100 versions behind in all, 20 of them over the
    // 20 updates a relay forwarded.
    assertEquals(List.of(2f), byTag.get("charts/staleness"));
    assertEquals(List.of(1f), byTag.get("charts/relay_staleness"));
    assertEquals(List.of(0.5f), byTag.get("losses/policy_loss"));
    assertEquals(List.of(12f), byTag.get("losses/grad_norm"));
  }
}
