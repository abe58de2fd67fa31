package a3c.ps;

import io.grpc.netty.GrpcSslContexts;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.UnknownHostException;
import picocli.CommandLine.Option;

/**
 * Where the parameter server listens, the secret it asks for and its TLS certificate, declared once for the server and
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

  @Option(names = "--tls-cert", description = "PEM certificate chain; serve TLS (with --tls-key)")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM private key (PKCS#8) for --tls-cert")
  Path tlsKey;

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

  /** The certificate chain to serve TLS with; null for plaintext. */
  public Path tlsCert() {
    return tlsCert;
  }

  public Path tlsKey() {
    return tlsKey;
  }

  /**
   * Checks that {@code --tls-cert} and {@code --tls-key} make a TLS server, so that a bad file is a
   * usage error before anything starts, not a server that fails at every restart.
   *
   * @return whether the server serves TLS
   * @throws IllegalArgumentException naming the flag and what is wrong
   */
  public boolean requireTls() {
    ServerConfig.requireTlsPair(tlsCert, tlsKey);
    if (tlsCert == null) {
      return false;
    }
    for (Path file : new Path[] {tlsCert, tlsKey}) {
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException((file == tlsCert ? "--tls-cert " : "--tls-key ") + file + " is not a readable file");
      }
    }
    try {
      GrpcSslContexts.forServer(tlsCert.toFile(), tlsKey.toFile()).build();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("--tls-cert " + tlsCert + " and --tls-key " + tlsKey + " cannot serve TLS: "
          + e.getMessage());
    }
    return true;
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
