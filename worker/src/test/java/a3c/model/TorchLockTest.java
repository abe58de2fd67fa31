package a3c.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchLockTest {

  @TempDir Path cache;

  @Test
  void newManager_twoJvmsStartTogetherOnAnEmptyCache() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<Process> children = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Path log = cache.resolveSibling(cache.getFileName() + "-child" + i + ".log");
      ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          EngineProbe.class.getName()).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().put("DJL_CACHE_DIR", cache.toString());
      builder.environment().put("ENGINE_CACHE_DIR", cache.toString());
      children.add(builder.start());
      logs.add(log);
    }
    try {
      for (int i = 0; i < 2; i++) {
        assertTrue(children.get(i).waitFor(300, TimeUnit.SECONDS), "child " + i + " timed out");
        String output = Files.readString(logs.get(i), StandardCharsets.UTF_8);
        assertEquals(0, children.get(i).exitValue(), output);
        assertTrue(output.contains("engine up, sum 6.0"), output);
      }
      assertTrue(Files.exists(cache.resolve(Torch.LOCK_FILE)), "lock file in the fresh cache");
      try (Stream<Path> files = Files.walk(cache)) {
        assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("libtorch")),
            "libtorch extracted into the fresh cache");
      }
    } finally {
      children.forEach(Process::destroyForcibly);
      for (Path log : logs) {
        Files.deleteIfExists(log);
      }
    }
  }

  @Test
  void newManager_concurrentThreadsShareOneEngine() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < 4; i++) {
      threads.add(Thread.ofPlatform().start(() -> {
        try (var manager = Torch.newManager()) {
          manager.ones(new ai.djl.ndarray.types.Shape(2)).sum().getFloat();
        } catch (Throwable t) {
          failures.add(t);
        }
      }));
    }
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(120));
    }
    assertEquals(List.of(), failures);
  }
}
