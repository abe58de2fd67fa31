package a3c.launcher;

import a3c.net.ClientTls;
import a3c.net.ServerTrustOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * A run's parameter server serving TLS, and how the launcher's own clients (its status and health
 * checks, its workers) trust it: by its own certificate, checked against a name the certificate
 * carries, since they dial it on this host while the certificate names the address other hosts use.
 *
 * @param cert the server's PEM certificate chain
 * @param key its PEM private key
 * @param clients how the launcher and its workers trust the server
 */
record LocalTls(Path cert, Path key, ClientTls clients) {
  /**
   * @param clientHost the address this host's clients dial the server at
   * @throws IllegalArgumentException when the certificate names no host to check it against
   */
  static LocalTls of(Path cert, Path key, String clientHost) {
    Path certificate = cert.toAbsolutePath();
    return new LocalTls(certificate, key.toAbsolutePath(), ClientTls.ofServerCertificate(certificate, clientHost));
  }

  /** The server's flags. */
  List<String> serverArgs() {
    return List.of("--tls-cert", cert.toString(), "--tls-key", key.toString());
  }

  /** A local worker's flags. */
  List<String> workerArgs() {
    return ServerTrustOptions.args(clients);
  }
}
