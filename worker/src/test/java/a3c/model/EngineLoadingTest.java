package a3c.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** libtorch is loaded only by a process whose network runs on it: each engine acts and learns in a child JVM of its own. */
class EngineLoadingTest {

  @Test
  void javaEngine_neverMapsLibtorch() throws Exception {
    assertTrue(probe("java").contains("engine=java learned=true libtorch_mapped=false"));
  }

  @Test
  void djlEngine_mapsLibtorch() throws Exception {
    assertTrue(probe("djl").contains("engine=djl learned=true libtorch_mapped=true"));
  }

  @Test
  void libtorch_isAvailable_whereItsJarIsOnTheClassPath_orALibraryPathIsGiven() throws Exception {
    assertTrue(Torch.available(Torch.class.getClassLoader(), null), "the build's class path holds DJL's libtorch jar");
    try (URLClassLoader withoutIt = new URLClassLoader(new URL[0], null)) {
      assertFalse(Torch.available(withoutIt, null), "a bundle made without --with-libtorch");
      assertFalse(Torch.available(withoutIt, " "));
      assertTrue(Torch.available(withoutIt, "/opt/libtorch/lib"));
    }
  }

  private static String probe(String engine) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
        EngineMemoryProbe.class.getName(), engine).redirectErrorStream(true).start();
    try {
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(child.waitFor(120, TimeUnit.SECONDS), output);
      assertEquals(0, child.exitValue(), output);
      return output;
    } finally {
      child.destroyForcibly();
    }
  }
}
