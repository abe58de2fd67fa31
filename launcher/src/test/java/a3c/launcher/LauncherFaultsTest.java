package a3c.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.checkpoint.CheckpointFolder;
import a3c.tensorboard.EventReader;
import a3c.testing.ChildJvm;
import a3c.testing.Tmpfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults that are not exits, on a real launcher with real server and worker JVMs on CartPole. */
class LauncherFaultsTest {
  private static final Duration START = Duration.ofSeconds(120);
  private static final int HANG_SECONDS = 10;
  /** The hang timeout, plus a poll of the status (5-s deadline) and one of the health (2 s) behind a hung server. */
  private static final Duration DETECTION = Duration.ofSeconds(HANG_SECONDS + 15);

  @TempDir Path folder;

  private ChildJvm launch(Path runDir, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--env-name", "CartPole-v1", "--port", "0", "--run-dir", runDir.toString(),
        "--lr", "0.001", "--progress-every", "1", "--target-score", "100000"));
    args.addAll(List.of(extra));
    return ChildJvm.start(folder, List.of(), LauncherCommand.class.getName(), args);
  }

  private static long pid(ChildJvm launcher, String name) throws InterruptedException {
    return Long.parseLong(launcher.awaitLine("\\[supervisor\\] started " + name + " \\(pid (\\d+)\\)", START).group(1));
  }

  static void signal(String signal, long pid) throws Exception {
    assertTrue(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS));
  }

  @Test
  void stoppedWorkerAndServer_areFoundHungWithinTheTimeout_killedAndRestarted() throws Exception {
    try (ChildJvm launcher = launch(folder.resolve("run"), "--n-workers", "2", "--hang-seconds", Integer.toString(HANG_SECONDS),
        "--checkpoint-every", "1")) {
      long server = pid(launcher, "ps");
      long worker = pid(launcher, "worker-0");
      // Once it has called the server: until then it has the startup allowance, not --hang-seconds.
      launcher.awaitLines(List.of("progress .* episodes=[1-9]", "worker worker-0 registered"), START);
      long stoppedAt = System.nanoTime();
      signal("STOP", worker);
      launcher.awaitLine("\\[launcher\\] worker-0 \\(pid " + worker + "\\) has not called the parameter server for \\d+ s, "
          + "longer than --hang-seconds 10: it is hung; killing it to restart it", DETECTION);
      assertTrue(System.nanoTime() - stoppedAt >= TimeUnit.SECONDS.toNanos(HANG_SECONDS - 2), "not before the timeout, "
          + "less the time since the last call before the stop: " + launcher.transcript());
      launcher.awaitLine("\\[supervisor\\] worker-0 exited with 137; restart 1/5", START);
      launcher.awaitLine("checkpoint .* written", START);
      stoppedAt = System.nanoTime();
      signal("STOP", server);
      launcher.awaitLine("\\[launcher\\] ps \\(pid " + server + "\\) has not answered its health check for \\d+ s, "
          + "longer than --hang-seconds 10: it is hung; killing it to restart it", DETECTION);
      assertTrue(System.nanoTime() - stoppedAt >= TimeUnit.SECONDS.toNanos(HANG_SECONDS - 2), "not before the timeout, "
          + "less the time since the last call before the stop: " + launcher.transcript());
      launcher.awaitLine("\\[supervisor\\] ps exited with 137; restart 1/3", START);
      launcher.awaitLine("resumed from .*: version \\d+", START);
      int episodesLine = launcher.transcript().length();
      launcher.awaitLine("progress .* episodes=[1-9]", START);
      assertTrue(launcher.transcript().length() > episodesLine);
      launcher.terminate();
      assertEquals(130, launcher.awaitExit(START), launcher.transcript());
      assertFalse(launcher.transcript().contains("[launcher] worker-1 (pid"), "a worker that could not reach a hung server is not "
          + "taken for hung itself: " + launcher.transcript());
      assertTrue(launcher.process().descendants().findAny().isEmpty(), "no child outlives the launcher");
    }
  }

  @Test
  void fullDisk_trainingGoesOn_theNewestCheckpointStaysLoadable_eachFailureIsSaidOnce_andWritingResumes() throws Exception {
    Path disk = folder.resolve("disk");
    try (Tmpfs mounted = Tmpfs.mount(disk, "16m");
        ChildJvm launcher = launch(disk.resolve("run"), "--n-workers", "1", "--checkpoint-every", "1")) {
      launcher.awaitLine("checkpoint .* written", START);
      launcher.awaitLine("progress .* episodes=[1-9]", START);
      Path filler = disk.resolve("filler");
      fill(filler);
      long stepWhenFull = lastStep(launcher.transcript());
      launcher.awaitLines(List.of("cannot write checkpoints \\(No space left on device\\); training goes on",
          "cannot write episodes.csv \\(No space left on device\\)", "cannot write TensorBoard events \\(No space left on device\\)",
          "cannot write scores.png"), START);
      long stepStillFull = step(launcher.awaitLine("progress .* agent_steps=(\\d+)", START));
      assertTrue(stepStillFull > stepWhenFull, "training goes on while the disk is full: " + stepWhenFull + " then " + stepStillFull);
      List<Path> kept = CheckpointFolder.list(disk.resolve("run/checkpoints"));
      assertFalse(kept.isEmpty());
      CheckpointFolder.load(kept.getLast());
      try (var files = Files.list(disk.resolve("run/checkpoints"))) {
        assertEquals(kept, files.sorted(java.util.Comparator.comparing(Path::toString)).toList(), "no half-written checkpoint is left");
      }
      Files.delete(filler);
      launcher.awaitLines(List.of("checkpoints written again", "episodes.csv written again", "TensorBoard events written again",
          "scores.png written again"), START);
      launcher.awaitLine("checkpoint .* written", START);
      launcher.terminate();
      assertEquals(130, launcher.awaitExit(START), launcher.transcript());
      String transcript = launcher.transcript();
      for (String what : List.of("checkpoints", "episodes.csv", "TensorBoard events", "scores.png")) {
        assertEquals(1, count(transcript, "cannot write " + what + " ("), what + " failing is said once: " + transcript);
      }
      Matcher summary = Pattern.compile("run-summary .* episodes=(\\d+) .*exit=stopped_by_user").matcher(transcript);
      assertTrue(summary.find(), transcript);
      List<String> csv = Files.readAllLines(disk.resolve("run/episodes.csv"));
      assertEquals(Integer.parseInt(summary.group(1)), csv.size() - 1, "every episode reached episodes.csv, those "
          + "reported while the disk was full too");
      assertTrue(csv.stream().allMatch(line -> line.split(",", -1).length == 8), "no torn line");
      try (var files = Files.list(disk.resolve("run"))) {
        Path events = files.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents.")).findFirst().orElseThrow();
        assertTrue(EventReader.read(events).size() > 10, "the TensorBoard file reads whole");
      }
      CheckpointFolder.load(disk.resolve("run/checkpoints"));
    }
  }

  /** Writes until the disk is full. */
  private static void fill(Path filler) throws IOException {
    byte[] chunk = new byte[1 << 16];
    try (var out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException e) {
      assertTrue(String.valueOf(e.getMessage()).contains("No space left on device"), e.toString());
    }
  }

  private static long lastStep(String transcript) {
    Matcher progress = Pattern.compile("progress .* agent_steps=(\\d+)").matcher(transcript);
    long step = -1;
    while (progress.find()) {
      step = Long.parseLong(progress.group(1));
    }
    return step;
  }

  private static long step(Matcher progress) {
    return Long.parseLong(progress.group(1));
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }
}
