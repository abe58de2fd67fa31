package a3c.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
      launcher.awaitLine("progress .* episodes=[1-9]", START);
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
}
