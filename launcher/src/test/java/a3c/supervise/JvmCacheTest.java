package a3c.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmCacheTest {

  @TempDir
  Path temp;

  @Test
  void firstRunRecords_assembleMakesACache_laterRunsStartFromIt() throws Exception {
    assumeTrue(Runtime.version().feature() >= JvmCache.FIRST_RELEASE, "AOT caches need JDK 24+");
    List<String> java = javaCommand(probeJar());
    JvmCache cache = new JvmCache(temp.resolve("cache"));

    assertEquals(List.of(), cache.options("probe", java, false), "no cache and not the recorder: nothing");
    List<String> recording = cache.options("probe", java, true);
    assertTrue(recording.contains("-XX:AOTMode=record"), recording.toString());
    assertEquals(0, run(java, recording));

    List<String> report = cache.assemble();
    assertEquals(1, report.size(), report.toString());
    assertTrue(report.getFirst().startsWith("JVM cache for the probe made"), report.toString());
    try (var files = Files.list(temp.resolve("cache"))) {
      assertEquals(List.of(".aot"), files.map(f -> f.getFileName().toString().replaceAll("^probe-[0-9a-f]{16}", "")).toList(),
          "the cache, without the recording");
    }

    List<String> using = cache.options("probe", java, true);
    assertEquals(1, using.size(), using.toString());
    assertTrue(using.getFirst().startsWith("-XX:AOTCache="), using.toString());
    // AOTMode=on refuses to start unless the cache fits this JVM.
    List<String> strict = new ArrayList<>(using);
    strict.add("-XX:AOTMode=on");
    assertEquals(0, run(java, strict));
    assertEquals(List.of(), cache.assemble(), "nothing recorded since");
  }

  @Test
  void aRecorderKilledBeforeItsExit_leavesNoCacheAndNoComplaint_andTheNextRecorderMakesOne() throws Exception {
    assumeTrue(Runtime.version().feature() >= JvmCache.FIRST_RELEASE, "AOT caches need JDK 24+");
    List<String> java = javaCommand(probeJar());
    JvmCache cache = new JvmCache(temp.resolve("cache"));
    List<String> command = new ArrayList<>(java);
    command.addAll(cache.options("probe", java, true));
    command.addAll(List.of(CacheProbe.class.getName(), "wait"));
    Process recorder = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader output = new BufferedReader(new InputStreamReader(recorder.getInputStream(), StandardCharsets.UTF_8));
    for (String line = output.readLine(); line == null || !line.contains("probe=PT1S"); line = output.readLine()) {
      assertTrue(line != null, "the probe started");
    }
    // The JDK opens the recording when the JVM starts and fills it at its exit, which SIGKILL skips.
    recorder.destroyForcibly();
    assertTrue(recorder.waitFor(30, TimeUnit.SECONDS));

    assertEquals(List.of(), cache.assemble(), "nothing to report of a recording never written");
    try (var files = Files.list(temp.resolve("cache"))) {
      assertEquals(0, files.count(), "the empty recording is gone");
    }
    assertEquals(0, run(java, cache.options("probe", java, true)));
    assertTrue(cache.assemble().getFirst().startsWith("JVM cache for the probe made"));
  }

  @Test
  void aRebuiltJar_getsANewCache() throws Exception {
    assumeTrue(Runtime.version().feature() >= JvmCache.FIRST_RELEASE, "AOT caches need JDK 24+");
    Path jar = probeJar();
    List<String> java = javaCommand(jar);
    JvmCache cache = new JvmCache(temp.resolve("cache"));
    assertEquals(0, run(java, cache.options("probe", java, true)));
    cache.assemble();
    assertTrue(cache.options("probe", java, false).getFirst().startsWith("-XX:AOTCache="));

    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
    assertEquals(List.of(), cache.options("probe", java, false), "the old cache is not offered");
    assertEquals(0, run(java, cache.options("probe", java, true)));
    cache.assemble();
    try (var files = Files.list(temp.resolve("cache"))) {
      assertEquals(1, files.count(), "the new cache replaced the old");
    }
  }

  @Test
  void folderOnTheClasspath_orOldJdk_getsNoOptions() throws Exception {
    JvmCache cache = new JvmCache(temp.resolve("cache"));
    List<String> withFolder = List.of("java", "-cp", probeJar() + java.io.File.pathSeparator + temp);
    assertEquals(List.of(), cache.options("probe", withFolder, true));
    assertFalse(Files.exists(temp.resolve("cache")));
    if (Runtime.version().feature() < JvmCache.FIRST_RELEASE) {
      assertEquals(List.of(), cache.options("probe", javaCommand(probeJar()), true));
    }
  }

  /** A jar holding {@link CacheProbe} alone: the JDK caches jars only, not class folders. */
  private Path probeJar() throws IOException {
    Path jar = temp.resolve("probe.jar");
    if (Files.exists(jar)) {
      return jar;
    }
    String entry = CacheProbe.class.getName().replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
        InputStream in = CacheProbe.class.getClassLoader().getResourceAsStream(entry)) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }

  private static List<String> javaCommand(Path jar) {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", jar.toString());
  }

  private static int run(List<String> java, List<String> options) throws Exception {
    List<String> command = new ArrayList<>(java);
    command.addAll(options);
    command.add(CacheProbe.class.getName());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the probe ended");
    assertTrue(output.contains("probe=PT1S"), output);
    return child.exitValue();
  }
}
