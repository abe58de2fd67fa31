package a3c.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real child processes: a shell that fails at once, restarted only after a long backoff. */
class SupervisedChildTest {
  private static final RestartPolicy ONE_LATE_RESTART = new RestartPolicy(1, Duration.ofMinutes(10), Duration.ofMinutes(10));

  @Test
  void aChildWaitingForItsRestart_isDoneAtOnce_whenRestartsEnd() throws Exception {
    Lines lines = new Lines();
    SupervisedChild child = failingChild(lines).start();
    lines.awaitRestartPlanned();
    assertFalse(child.finished().isDone());

    child.endRestarts();

    assertTrue(child.finished().isDone(), "done without waiting out the backoff");
    assertEquals(1, child.finished().join());
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // far less than the backoff, which a stop must not wait out
  void stopAll_startsNoChildThatWaitsForItsRestart() throws Exception {
    Lines lines = new Lines();
    SupervisedChild child = failingChild(lines).start();
    lines.awaitRestartPlanned();

    SupervisedChild.stopAll(List.of(child), Duration.ofSeconds(5));

    assertEquals(1, child.finished().join());
    assertEquals(1, lines.all.stream().filter(line -> line.startsWith("[supervisor] started")).count(), lines.all.toString());
  }

  private static SupervisedChild failingChild(Lines lines) {
    ChildSpec spec = new ChildSpec("fails", List.of("sh", "-c", "exit 1"), Path.of("."), Map.of());
    return new SupervisedChild(() -> spec, ONE_LATE_RESTART, code -> code != 0, lines::add);
  }

  /** The supervisor's and the child's lines, and a latch for the planned restart. */
  private static final class Lines {
    final List<String> all = new CopyOnWriteArrayList<>();
    private final CountDownLatch restartPlanned = new CountDownLatch(1);

    void add(String line) {
      all.add(line);
      if (line.contains("; restart 1/1 in ")) {
        restartPlanned.countDown();
      }
    }

    void awaitRestartPlanned() throws InterruptedException {
      assertTrue(restartPlanned.await(30, TimeUnit.SECONDS), "the child's exit was not seen: " + all);
    }
  }
}
