package a3c.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JvmOptionsTest {
  private static final List<String> LINES = List.of(
      "# why",
      "all      23  --sun-misc-unsafe-memory-access=allow",
      "all      21  -Dai.djl.offline=true",
      "",
      "worker   21  -Xmx256m",
      "server   21  -Xmx2g");

  @Test
  void select_takesEveryJvmsOptionsThenTheKinds_inOrder_andOnlyThoseForThisJdk() {
    assertEquals(List.of("--sun-misc-unsafe-memory-access=allow", "-Dai.djl.offline=true", "-Xmx256m"),
        JvmOptions.select(LINES, JvmOptions.Kind.WORKER, 25));
    assertEquals(List.of("-Dai.djl.offline=true", "-Xmx2g"), JvmOptions.select(LINES, JvmOptions.Kind.SERVER, 21));
    assertEquals(List.of("-Dai.djl.offline=true"), JvmOptions.select(LINES, JvmOptions.Kind.RELAY, 22));
  }

  @Test
  void select_refusesALineItCannotRead_namingIt() {
    IllegalStateException unknownKind = assertThrows(IllegalStateException.class,
        () -> JvmOptions.select(List.of("# x", "wroker 21 -Xmx1g"), JvmOptions.Kind.WORKER, 25));
    assertTrue(unknownKind.getMessage().startsWith("jvm.options line 2: expected KIND FROM-JDK OPTION"), unknownKind.getMessage());
    assertThrows(IllegalStateException.class, () -> JvmOptions.select(List.of("worker -Xmx1g"), JvmOptions.Kind.WORKER, 25));
    assertThrows(IllegalStateException.class, () -> JvmOptions.select(List.of("worker 21 -Xmx1g -Xmn64m"), JvmOptions.Kind.WORKER, 25));
  }

  @Test
  void thePackagedFile_isTheScriptsFile_andTheScriptsReadTheSameOptionsForEveryKind() throws Exception {
    Path scripts = Path.of("..", "scripts").toAbsolutePath().normalize();
    assertEquals(Files.readAllLines(scripts.resolve("jvm.options")), JvmOptions.declared());
    assertTrue(JvmOptions.of(JvmOptions.Kind.WORKER).contains("--add-modules=jdk.incubator.vector"));
    for (JvmOptions.Kind kind : JvmOptions.Kind.values()) {
      assertEquals(JvmOptions.of(kind), libSh(scripts, kind), kind.label());
    }
  }

  /** What {@code scripts/lib.sh} passes a JVM of {@code kind}, on the JDK running this test. */
  private static List<String> libSh(Path scripts, JvmOptions.Kind kind) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c",
        "source \"$0/lib.sh\" && jvm_options \"$1\" && printf '%s\\n' \"${JVM_OPTIONS[@]}\"", scripts.toString(), kind.label())
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process bash = builder.start();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(bash.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, bash.exitValue());
    return out.lines().toList();
  }
}
