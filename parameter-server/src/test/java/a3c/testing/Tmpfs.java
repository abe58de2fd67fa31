package a3c.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted over a test's folder, which fills up as a full disk or a container's
 * /dev/shm does. Mounting needs root: elsewhere the test is skipped, never under {@code CI=true}.
 * It is unmounted however the test ends, a killed test JVM included.
 */
public final class Tmpfs implements AutoCloseable {
  private final Path folder;
  private final Thread unmountAtExit;

  private Tmpfs(Path folder) {
    this.folder = folder;
    this.unmountAtExit = new Thread(this::unmount);
    Runtime.getRuntime().addShutdownHook(unmountAtExit);
  }

  /** Mounts a tmpfs of {@code size} (as mount's {@code size=}, e.g. {@code 16m}) over {@code folder}, made if missing. */
  public static Tmpfs mount(Path folder, String size) throws IOException, InterruptedException {
    Files.createDirectories(folder);
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", folder.toString())
        .inheritIO().start();
    boolean mounted = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(mounted, "mounting a tmpfs needs root");
    }
    assertTrue(mounted, "mounting a tmpfs needs root, which CI has");
    return new Tmpfs(folder);
  }

  @Override
  public void close() {
    unmount();
    Runtime.getRuntime().removeShutdownHook(unmountAtExit);
  }

  private void unmount() {
    try {
      new ProcessBuilder("umount", "-l", folder.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
