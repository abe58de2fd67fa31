package a3c.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.ps.ParameterServer;
import a3c.ps.ServerConfig;
import a3c.testing.ChildJvm;
import a3c.testing.TestCertificates;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/launcher --ps}: a real launcher JVM that forks a real relay and real CartPole
 * workers, against a real parameter server on this host's loopback standing in for another host.
 */
class WorkerHostTest {
  private static final Duration START = Duration.ofSeconds(120);
  private static final String TOKEN = "host-secret";

  @TempDir Path folder;
  private ParameterServer server;

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private ChildJvm host(int psPort, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--ps", "127.0.0.1:" + psPort, "--env-name", "CartPole-v1",
        "--run-dir", folder.resolve("host").toString(), "--progress-every", "2"));
    args.addAll(List.of(extra));
    return ChildJvm.start(folder, LauncherCommand.class.getName(), args);
  }

  private static ServerConfig config(int port) {
    return config(port, "CartPole-v1");
  }

  private static ServerConfig config(int port, String envName) {
    ServerConfig local = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, 0.001), envName)
        .withAuthToken(TOKEN);
    return local.withPort(port);
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    }
  }

  /** Waits until {@code count} reaches {@code atLeast}; polls a server's counters, which no event announces. */
  private static void awaitAtLeast(LongSupplier count, long atLeast, String what) throws InterruptedException {
    long giveUp = System.nanoTime() + START.toNanos();
    while (count.getAsLong() < atLeast) {
      if (System.nanoTime() > giveUp) {
        throw new AssertionError(what + ": " + count.getAsLong() + " < " + atLeast + " after " + START);
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  private static ProcessHandle started(ChildJvm host, String name) throws InterruptedException {
    long pid = Long.parseLong(host.awaitLine("\\[supervisor\\] started " + name + " \\(pid (\\d+)\\)", START).group(1));
    return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError(name + " (pid " + pid + ") is not running"));
  }

  /** The host exits 2 (bad usage) with a line {@code refusal} accepts, having started no child. */
  private static void assertRefused(ChildJvm host, Predicate<String> refusal) throws InterruptedException {
    assertEquals(2, host.awaitExit(START));
    assertTrue(host.transcript().lines().anyMatch(refusal), host.transcript());
    assertFalse(host.transcript().contains("[supervisor] started"), host.transcript());
  }

  @Test
  void wrongToken_exitsTwo_withOneLine() throws Exception {
    server = ParameterServer.start(config(0), null);
    try (ChildJvm host = host(server.port(), "--n-workers", "1", "--auth-token", "not-the-secret")) {
      assertRefused(host, line -> line.equals("launcher: the parameter server at 127.0.0.1:" + server.port()
          + " refused this host: wrong auth token (pass the server's token with --auth-token or A3C_AUTH_TOKEN)"));
    }
  }

  @Test
  void serverOfAnotherGame_exitsTwo_withOneLine_startingNoWorker() throws Exception {
    server = ParameterServer.start(config(0, "PongNoFrameskip-v4"), null);
    try (ChildJvm host = host(server.port(), "--n-workers", "1", "--auth-token", TOKEN)) {
      assertRefused(host, line -> line.equals("launcher: the parameter server at 127.0.0.1:" + server.port()
          + " trains PongNoFrameskip-v4, not CartPole-v1 (start this host with --env-name PongNoFrameskip-v4)"));
    }
  }

  @Test
  void serverWhoseCertificateTheCaGivenDoesNotVouchFor_exitsTwo_withOneLine_waitingForNothing() throws Exception {
    TestCertificates.Pair served = TestCertificates.selfSigned(folder, "server");
    TestCertificates.Pair another = TestCertificates.selfSigned(folder, "another");
    server = ParameterServer.start(config(0).withTls(served.cert(), served.key()), null);
    try (ChildJvm host = host(server.port(), "--n-workers", "1", "--auth-token", TOKEN, "--tls-ca", another.cert().toString())) {
      String refusal = "launcher: the parameter server at 127.0.0.1:" + server.port() + " is not trusted: ";
      assertRefused(host, line -> line.startsWith(refusal) && line.endsWith(" (pass the CA that signed its --tls-cert with --tls-ca)"));
      assertFalse(host.transcript().contains("waiting for the parameter server"), host.transcript());
    }
  }

  @Test
  void serverWhoseCertificateNamesAnotherHost_exitsTwo_sayingWhichAddressToDial_orTrainsWithThatNameAsAuthority() throws Exception {
    TestCertificates.Pair served = TestCertificates.selfSigned(folder, "elsewhere", "DNS:ps.a3c.test");
    server = ParameterServer.start(config(0).withTls(served.cert(), served.key()), null);
    try (ChildJvm host = host(server.port(), "--n-workers", "1", "--auth-token", TOKEN, "--tls-ca", served.cert().toString())) {
      String refusal = "launcher: the parameter server at 127.0.0.1:" + server.port() + " is not trusted: ";
      assertRefused(host, line -> line.startsWith(refusal)
          && line.endsWith(" (its certificate names other hosts: give --ps a name or address it carries)"));
    }
    // The relay, dialling the address, checks the certificate against the name it carries.
    try (ChildJvm host = host(server.port(), "--n-workers", "1", "--auth-token", TOKEN, "--tls-ca", served.cert().toString(),
        "--tls-authority", "ps.a3c.test")) {
      awaitAtLeast(() -> server.status().getUpdates(), 10, "updates through a relay that checks the name ps.a3c.test");
      host.terminate();
      assertEquals(130, host.awaitExit(START), host.transcript());
    }
  }

  @Test
  void serverNotUp_saysOnceItWaits_thenExitsOneAtItsRetryLimit() throws Exception {
    int port = freePort();
    try (ChildJvm host = host(port, "--n-workers", "1", "--auth-token", TOKEN, "--retry-seconds", "3")) {
      assertEquals(1, host.awaitExit(START));
      String transcript = host.transcript();
      assertEquals(1, transcript.lines().filter(line -> line.startsWith("waiting for the parameter server at 127.0.0.1:" + port)).count(),
          transcript);
      assertTrue(transcript.contains("the parameter server at 127.0.0.1:" + port + " did not answer within 3 s"), transcript);
      assertFalse(transcript.contains("[supervisor] started"), transcript);
    }
  }

  @Test
  void serverLate_relayKilled_serverLost_workersCarryOn_andStopLeavesNoChild() throws Exception {
    int port = freePort();
    try (ChildJvm host = host(port, "--n-workers", "2", "--auth-token", TOKEN)) {
      host.awaitLine("waiting for the parameter server at 127\\.0\\.0\\.1:" + port, START);
      server = ParameterServer.start(config(port), null);
      ProcessHandle relay = started(host, "relay");
      List<ProcessHandle> workers = List.of(started(host, "worker-0"), started(host, "worker-1"));
      awaitAtLeast(() -> server.status().getUpdates(), 20, "updates through the relay");
      // The server lists a worker from its first accepted push on; the second may start later than the first.
      awaitAtLeast(() -> server.status().getWorkersCount(), 2, "both workers heard through the relay");

      relay.destroyForcibly();
      host.awaitLine("\\[supervisor\\] relay exited with 137; restart 1/", START);
      ProcessHandle restarted = started(host, "relay");
      long before = server.status().getUpdates();
      awaitAtLeast(() -> server.status().getUpdates(), before + 20, "updates after the relay's restart");
      assertTrue(workers.stream().allMatch(ProcessHandle::isAlive), "a worker died with the relay");

      // The server's host goes away and comes back without a checkpoint: the relay and the workers rejoin it.
      server.close();
      server = ParameterServer.start(config(port), null);
      awaitAtLeast(() -> server.status().getUpdates(), 20, "updates after the server came back");
      assertTrue(workers.stream().allMatch(ProcessHandle::isAlive), "a worker died while the server was away");

      host.terminate();
      assertEquals(130, host.awaitExit(START));
      assertTrue(host.transcript().contains("host-summary workers=2"), host.transcript());
      for (ProcessHandle child : List.of(workers.get(0), workers.get(1), restarted)) {
        assertFalse(child.isAlive(), "pid " + child.pid() + " outlived its launcher");
      }
    }
  }
}
