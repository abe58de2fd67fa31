package a3c.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Self-signed TLS certificates for a test server, made with openssl; without openssl the test is skipped. */
public final class TestCertificates {
  private TestCertificates() {}

  /** A certificate (PEM) and its key (PEM, PKCS#8). */
  public record Pair(Path cert, Path key) {}

  /** A new self-signed certificate for 127.0.0.1 and localhost, as {@code NAME.pem} and {@code NAME-key.pem} in {@code folder}. */
  public static Pair selfSigned(Path folder, String name) throws IOException, InterruptedException {
    return selfSigned(folder, name, "IP:127.0.0.1,DNS:localhost");
  }

  /** The same for other names: {@code subjectAltNames} as openssl takes them ({@code DNS:host,IP:198.18.0.1}). */
  public static Pair selfSigned(Path folder, String name, String subjectAltNames) throws IOException, InterruptedException {
    return make(folder, name, List.of("-subj", "/CN=localhost", "-addext", "subjectAltName=" + subjectAltNames));
  }

  /** A self-signed certificate that names its host only by its subject's CN, with no subjectAltName. */
  public static Pair commonNameOnly(Path folder, String name, String commonName) throws IOException, InterruptedException {
    return make(folder, name, List.of("-subj", "/CN=" + commonName));
  }

  private static Pair make(Path folder, String name, List<String> names) throws IOException, InterruptedException {
    Pair pair = new Pair(folder.resolve(name + ".pem"), folder.resolve(name + "-key.pem"));
    List<String> command = new ArrayList<>(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"));
    command.addAll(names);
    command.addAll(List.of("-keyout", pair.key().toString(), "-out", pair.cert().toString()));
    Process openssl;
    try {
      openssl = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("openssl is needed to make a test certificate: " + e.getMessage());
      return null;
    }
    openssl.getInputStream().transferTo(OutputStream.nullOutputStream());
    assertEquals(0, openssl.waitFor());
    return pair;
  }
}
