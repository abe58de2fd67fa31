package a3c.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.supervise.ChildSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Cores, memory and pinning for a stated machine, so that a 2-core test host can check a 16-core or a small one. */
class HostFitTest {
  private static final long GB = 1_000_000_000L;

  @TempDir Path folder;

  @Test
  void moreWorkersThanCores_warnOnce_andStateTheMemoryNeed() {
    HostFit sixteenOnTwo = HostFit.of("PongNoFrameskip-v4", 16, new HostResources(List.of(0, 1), 64 * GB));
    assertEquals(List.of("memory: 16 workers x 0.3 GB + server 0.7 GB = 6.1 GB of 64.0 GB available",
        "warning: 16 workers on 2 cores: they take turns on the cores, so each acts slower and the updates grow staler; "
            + "the run goes on"), sixteenOnTwo.notes());
    sixteenOnTwo.requireMemory();
    HostFit twoOnTwo = HostFit.of("CartPole-v1", 2, new HostResources(List.of(0, 1), -1));
    assertEquals(List.of("memory: 2 workers x 0.3 GB + server 0.7 GB = 1.4 GB (available memory unknown here)"),
        twoOnTwo.notes());
    twoOnTwo.requireMemory();
  }

  @Test
  void aCountThatCannotFit_isRefused_namingTheMostThatFits() {
    HostFit tooMany = HostFit.of("PongNoFrameskip-v4", 16, new HostResources(List.of(0, 1, 2, 3), 4 * GB));
    assertEquals("--n-workers 16 needs about 6.1 GB of memory (16 x 0.3 GB per worker + 0.7 GB for the server) but only "
        + "4.0 GB is available (MemAvailable in /proc/meminfo): run at most 9 workers here",
        assertThrows(IllegalArgumentException.class, tooMany::requireMemory).getMessage());
  }

  @Test
  void launcher_refusesWithExit2_beforeStartingAnything() {
    StringWriter err = new StringWriter();
    Path runDir = folder.resolve("run");
    int exit = new CommandLine(new LauncherCommand(new HostResources(List.of(0, 1), 2 * GB))).setErr(new PrintWriter(err))
        .execute("--env-name", "CartPole-v1", "--n-workers", "8", "--port", "0", "--run-dir", runDir.toString());
    assertEquals(2, exit);
    assertTrue(err.toString().startsWith("launcher: --n-workers 8 needs about 3.3 GB of memory"), err.toString());
    assertTrue(!runDir.toFile().exists(), "nothing starts");
  }

  @Test
  void memAvailableAndCpuLists_areReadAsProcWritesThem() {
    assertEquals(23952392L * 1024, HostResources.memAvailable("MemTotal:       24683784 kB\nMemFree:        23406540 kB\n"
        + "MemAvailable:   23952392 kB\nBuffers: 1 kB\n"));
    assertEquals(-1, HostResources.memAvailable("MemTotal: 1 kB\n"));
    assertEquals(List.of(0, 1, 2, 3, 8, 10, 11), HostResources.cpuList("0-3,8,10-11"));
    assertEquals(List.of(5), HostResources.cpuList("5\n"));
  }

  @Test
  void pinnedWorker_runsOnItsCpuOnly_roundRobin() throws Exception {
    List<Integer> cpus = HostResources.current().cpus();
    CpuAffinity affinity = CpuAffinity.find(System.getenv("PATH"), cpus);
    assertTrue(affinity.pins(), "this test machine has taskset (util-linux)");
    ChildSpec worker = new ChildSpec("worker-1", List.of("cat", "/proc/self/status"), folder, Map.of());
    // Index cpus.size() + 1 wraps around to the second CPU, or the first where there is one.
    ChildSpec pinned = affinity.pin(worker, cpus.size() + 1);
    Process process = new ProcessBuilder(pinned.command()).redirectErrorStream(true).start();
    String status = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    String expected = cpus.get((cpus.size() + 1) % cpus.size()).toString();
    assertTrue(status.contains("Cpus_allowed_list:\t" + expected + "\n"), status);
  }

  @Test
  void withoutTaskset_workersRunUnpinned() {
    CpuAffinity none = CpuAffinity.find(folder.toString(), List.of(0, 1));
    assertEquals(CpuAffinity.NONE, none);
    ChildSpec worker = new ChildSpec("worker-0", List.of("java", "-version"), folder, Map.of());
    assertEquals(worker, none.pin(worker, 0));
  }
}
