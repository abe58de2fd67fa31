package a3c.ps;

import java.net.InetAddress;
import java.net.UnknownHostException;
import picocli.CommandLine.Option;

/**
 * Where the parameter server listens and the secret it asks for, declared once for the server and
 * for the launcher, which picks a free port, checks the address and hands the secret to its children
 * through their environment.
 */
public final class ServerEndpoint {
  @Option(names = "--port", description = "parameter-server port; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port = 50051;

  @Option(names = "--bind", description = "parameter-server address; 0.0.0.0 to let workers on other hosts join "
      + "(default: ${DEFAULT-VALUE})")
  String bind = "127.0.0.1";

  @Option(names = "--auth-token", defaultValue = "${env:A3C_AUTH_TOKEN}",
      description = "shared secret every call must carry (default: $A3C_AUTH_TOKEN; none if unset)")
  String authToken;

  public int port() {
    return port;
  }

  public String bind() {
    return bind;
  }

  /** The secret; null for none. */
  public String authToken() {
    return authToken;
  }

  /**
   * What to warn of when other hosts can reach the server and it asks them for no secret: anyone
   * who reaches the port could push updates into the model. Null when there is nothing to warn of.
   */
  public String openWithoutSecret() {
    if (authToken != null && !authToken.isEmpty()) {
      return null;
    }
    try {
      if (InetAddress.getByName(bind).isLoopbackAddress()) {
        return null;
      }
    } catch (UnknownHostException e) {
      return null; // Listening on it fails, and says so.
    }
    return "listening on " + bind + " with no --auth-token: whoever reaches this port can join and push updates "
        + "(give the server and its workers the same --auth-token, or A3C_AUTH_TOKEN)";
  }
}
