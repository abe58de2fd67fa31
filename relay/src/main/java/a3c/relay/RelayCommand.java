package a3c.relay;

import a3c.lifecycle.ParentWatch;
import a3c.net.ClientTls;
import a3c.net.ServerTrustOptions;
import a3c.proto.DType;
import a3c.rpc.WireDtypes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

/** The relay of a worker host; started and restarted by {@code scripts/launcher --ps}. */
@Command(name = "relay", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Serves the workers of this host through shared memory and forwards their calls to the parameter server.",
    footer = {"", "Exit codes: 0 stopped (SIGTERM/SIGINT), 1 failure (e.g. the port is taken), 2 bad usage."})
public final class RelayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--ps", required = true, paramLabel = "HOST:PORT", description = "the parameter server")
  String ps;

  @Option(names = "--port", required = true, description = "the loopback port the workers of this host call")
  int port;

  @Option(names = "--shared-memory-dir", required = true, description = "the workers' --shared-memory-dir")
  Path sharedMemoryDir;

  @Option(names = "--auth-token", defaultValue = "${env:A3C_AUTH_TOKEN}", description = "the server's shared secret (default: $A3C_AUTH_TOKEN)")
  String authToken;

  @Mixin ServerTrustOptions trust = new ServerTrustOptions();

  @Option(names = "--wire-dtype", description = "how tensors travel to and from the server: float32 or bfloat16 (default: ${DEFAULT-VALUE})")
  String wireDtype = "bfloat16";

  @Option(names = "--parent-pid", description = "exit when this process exits; set by the launcher")
  Long parentPid;

  public static void main(String[] args) {
    System.exit(new CommandLine(new RelayCommand()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    DType wire;
    ClientTls tls;
    try {
      wire = WireDtypes.parse(wireDtype);
      tls = trust.tls();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("relay: " + e.getMessage());
      return 2;
    }
    if (port < 1 || port > 65535 || !ps.matches("[^\\s:]+:\\d{1,5}|\\[[0-9a-fA-F:]+\\]:\\d{1,5}")) {
      spec.commandLine().getErr().println("relay: --ps must be HOST:PORT and --port 1..65535, got '" + ps + "' and " + port);
      return 2;
    }
    Relay relay;
    try {
      relay = Relay.start(ps, authToken, tls, port, sharedMemoryDir, wire);
    } catch (IOException e) {
      spec.commandLine().getErr().println("relay: cannot serve on 127.0.0.1:" + port + ": " + e.getMessage());
      return 1;
    }
    Runnable stop = () -> {
      try {
        relay.close();
      } catch (IOException e) {
        spec.commandLine().getErr().println("relay: closing the shared weights failed: " + e.getMessage());
      }
    };
    Signal.handle(new Signal("TERM"), signal -> stop.run());
    Signal.handle(new Signal("INT"), signal -> stop.run());
    if (parentPid != null) {
      ParentWatch.watch(parentPid, stop);
    }
    spec.commandLine().getOut().println("relay on 127.0.0.1:" + relay.port() + " for the workers of this host; parameter server " + ps);
    spec.commandLine().getOut().flush();
    relay.awaitTermination();
    return 0;
  }
}
