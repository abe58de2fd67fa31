package a3c.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StatusWindowTest {
  @Test
  void theCpuOfAProcess_countsItsDescendants_whichDoTheWork() throws Exception {
    // A parent that only waits, and a grandchild that spins (bounded by timeout in case the test dies).
    Process parent = new ProcessBuilder("bash", "-c", "timeout 30 bash -c 'while :; do :; done' & wait").start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      long counted = 0;
      while (counted < 300_000_000L && System.nanoTime() < deadline) {
        Thread.sleep(50);
        counted = StatusWindow.cpuNanos(List.of(parent.pid()));
      }
      long parentAlone = parent.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
      assertTrue(counted >= 300_000_000L, "counted " + counted + " ns of CPU");
      assertTrue(parentAlone < 100_000_000L, "the waiting parent itself used " + parentAlone + " ns");
    } finally {
      parent.descendants().forEach(ProcessHandle::destroyForcibly);
      parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aProcessThatIsGone_countsNothing() throws Exception {
    Process done = new ProcessBuilder("true").start();
    done.waitFor(10, TimeUnit.SECONDS);
    assertEquals(0, StatusWindow.cpuNanos(List.of(done.pid())));
  }
}
