package a3c.net;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How a program that dials the parameter server trusts its TLS certificate: {@code --tls-ca} and
 * {@code --tls-authority}, declared once for the worker, the relay and a worker host's launcher.
 */
public final class ServerTrustOptions {
  @Option(names = "--tls-ca", paramLabel = "PEM", description = "certificate to trust (a CA's, or the server's own); "
      + "connect to the server with TLS")
  Path tlsCa;

  @Option(names = "--tls-authority", paramLabel = "NAME", description = "with --tls-ca: the name the server's "
      + "certificate must carry, when it is not the host dialled (a certificate for a DNS name, dialled by address)")
  String tlsAuthority;

  /** Whether either flag was given. */
  public boolean given() {
    return tlsCa != null || tlsAuthority != null;
  }

  /**
   * How to trust the server; null for plaintext.
   *
   * @throws IllegalArgumentException naming the flag, for an authority without a certificate, or a
   *     certificate file that cannot be read
   */
  public ClientTls tls() {
    if (tlsCa == null) {
      if (tlsAuthority != null) {
        throw new IllegalArgumentException("--tls-authority needs --tls-ca");
      }
      return null;
    }
    if (!Files.isReadable(tlsCa)) {
      throw new IllegalArgumentException("--tls-ca " + tlsCa + " is not a readable file");
    }
    if (tlsAuthority != null && !tlsAuthority.matches("[A-Za-z0-9.:_-]+")) {
      throw new IllegalArgumentException("--tls-authority must be a host name or address, got '" + tlsAuthority + "'");
    }
    return new ClientTls(tlsCa.toAbsolutePath(), tlsAuthority);
  }

  /** These flags as a child that dials the server with {@code tls} is given them; none for null. */
  public static List<String> args(ClientTls tls) {
    List<String> args = new ArrayList<>();
    if (tls != null) {
      args.addAll(List.of("--tls-ca", tls.trusted().toString()));
      if (tls.authority() != null) {
        args.addAll(List.of("--tls-authority", tls.authority()));
      }
    }
    return args;
  }
}
