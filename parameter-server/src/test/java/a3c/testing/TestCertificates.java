package a3c.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Self-signed TLS certificates for a server on 127.0.0.1, made with openssl; without openssl the test is skipped. */
public final class TestCertificates {
  private TestCertificates() {}

  /** A certificate (PEM) and its key (PEM, PKCS#8). */
  public record Pair(Path cert, Path key) {}

  /** A new self-signed certificate for 127.0.0.1 and localhost, as {@code NAME.pem} and {@code NAME-key.pem} in {@code folder}. */
  public static Pair selfSigned(Path folder, String name) throws IOException, InterruptedException {
    Pair pair = new Pair(folder.resolve(name + ".pem"), folder.resolve(name + "-key.pem"));
    Process openssl;
    try {
      openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
          "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
          "-keyout", pair.key().toString(), "-out", pair.cert().toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("openssl is needed to make a test certificate: " + e.getMessage());
      return null;
    }
    openssl.getInputStream().transferTo(OutputStream.nullOutputStream());
    assertEquals(0, openssl.waitFor());
    return pair;
  }
}
