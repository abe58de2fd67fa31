package a3c.launcher;

import a3c.net.Channels;
import a3c.proto.GetStatusRequest;
import a3c.proto.GetStatusResponse;
import a3c.rpc.ParameterServerGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A worker host's first contact with its parameter server: waits, with backoff, while the server
 * cannot be reached (saying so once), and tells a refused token from an absent server.
 */
final class ServerWait {
  /** The server turned this host's calls away: a usage error, not worth retrying. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  private ServerWait() {}

  /**
   * The server's status, or null when it did not answer within {@code retryFor} (or {@code stop} was
   * counted down meanwhile).
   */
  static GetStatusResponse await(ParameterServerGrpc.BlockingStub stub, String target, Duration retryFor,
      CountDownLatch stop, Consumer<String> say) throws Refused, InterruptedException {
    long deadline = System.nanoTime() + retryFor.toNanos();
    long backoffMs = 200;
    boolean said = false;
    while (true) {
      try {
        return stub.withDeadlineAfter(10, TimeUnit.SECONDS).getStatus(GetStatusRequest.getDefaultInstance());
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
          throw new Refused("the parameter server at " + target + " refused this host: " + e.getStatus().getDescription()
              + " (pass the server's token with --auth-token or A3C_AUTH_TOKEN)");
        }
        String untrusted = Channels.untrustedCertificate(e.getStatus());
        if (untrusted != null) {
          throw new Refused("the parameter server at " + target + " is not trusted: " + untrusted
              + (Channels.certificateForAnotherName(e.getStatus())
                  ? " (its certificate names other hosts: give --ps a name or address it carries)"
                  : " (pass the CA that signed its --tls-cert with --tls-ca)"));
        }
        if (!said) {
          // Any other failure (unreachable, restarting, a proxy's error) may pass: wait for it as for an absent server.
          say.accept("waiting for the parameter server at " + target + " (up to " + retryFor.toSeconds() + " s): "
              + code);
          said = true;
        }
      }
      if (System.nanoTime() + backoffMs * 1_000_000 > deadline || stop.await(backoffMs, TimeUnit.MILLISECONDS)) {
        return null;
      }
      backoffMs = Math.min(backoffMs * 2, 5_000);
    }
  }
}
