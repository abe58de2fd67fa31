package a3c.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
        counted = StatusWindow.total(StatusWindow.cpuNanos(List.of(parent.pid())));
      }
      long parentAlone = parent.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
      assertTrue(counted >= 300_000_000L, "counted " + counted + " ns of CPU");
      assertTrue(parentAlone < 100_000_000L, "the waiting parent itself used " + parentAlone + " ns");
      assertEquals(List.of("other"), List.copyOf(StatusWindow.cpuNanos(List.of(parent.pid())).keySet()),
          "bash runs none of the programs");
    } finally {
      parent.descendants().forEach(ProcessHandle::destroyForcibly);
      parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aProcessThatIsGone_countsNothing() throws Exception {
    Process done = new ProcessBuilder("true").start();
    done.waitFor(10, TimeUnit.SECONDS);
    assertEquals(Map.of(), StatusWindow.cpuNanos(List.of(done.pid())));
  }

  @Test
  void aProcessCounts_forTheProgramWhoseMainClassIsOnItsCommandLine() throws Exception {
    Process relay = new ProcessBuilder("sh", "-c", "sleep 30; : a3c.relay.RelayCommand --ps x").start();
    try {
      assertEquals("relay", StatusWindow.program(relay.toHandle()));
      assertEquals("other", StatusWindow.program(ProcessHandle.current()));
    } finally {
      relay.descendants().forEach(ProcessHandle::destroyForcibly);
      relay.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
