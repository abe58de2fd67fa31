package a3c.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * How a client trusts a TLS parameter server: the PEM certificates it takes as roots, and the name
 * it checks the server's certificate against when that is not the host it dials. The launcher's own
 * clients dial its server on loopback, while the certificate names the address other hosts use.
 *
 * @param trusted PEM file of the certificates to trust: a CA's, or the server's own
 * @param authority the name the server's certificate must carry; null for the host dialled
 */
public record ClientTls(Path trusted, String authority) {
  /** subjectAltName entry types (RFC 5280): a DNS name, an IP address. */
  private static final int DNS = 2;
  private static final int IP = 7;

  public ClientTls {
    Objects.requireNonNull(trusted, "trusted");
  }

  /**
   * How a client on the server's own host trusts the server's certificate: that certificate itself,
   * checked against {@code dialledHost} when the certificate names it, else against the first name it
   * carries (a wildcard's one label filled in). Pinning the very certificate the server presents is
   * as strict as a CA and a name.
   *
   * @throws IllegalArgumentException when the file holds no certificate, or one that names no host
   */
  public static ClientTls ofServerCertificate(Path certificate, String dialledHost) {
    X509Certificate leaf = firstCertificate(certificate);
    List<String> names = names(leaf);
    if (names.isEmpty()) {
      throw new IllegalArgumentException("the certificate in " + certificate + " names no host (no subjectAltName or "
          + "CN): clients could check it against nothing");
    }
    for (String name : names) {
      if (name.equalsIgnoreCase(dialledHost)) {
        return new ClientTls(certificate, null);
      }
    }
    String name = names.getFirst();
    return new ClientTls(certificate, name.startsWith("*.") ? "a3c" + name.substring(1) : name);
  }

  private static X509Certificate firstCertificate(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (all.isEmpty() || !(all.iterator().next() instanceof X509Certificate leaf)) {
        throw new IllegalArgumentException(file + " holds no PEM certificate");
      }
      return leaf;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the certificate " + file + ": " + e.getMessage());
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + " is not a PEM certificate: " + e.getMessage());
    }
  }

  /** The DNS names and IP addresses a certificate is for, in its order; its CN when it has none (as hostname checks fall back). */
  private static List<String> names(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
      if (entries != null) {
        for (List<?> entry : entries) {
          int type = (Integer) entry.get(0);
          if (type == DNS || type == IP) {
            names.add(entry.get(1).toString().toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("cannot read the names of the certificate: " + e.getMessage());
    }
    if (names.isEmpty()) {
      try {
        for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
          if (rdn.getType().equalsIgnoreCase("CN")) {
            names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
          }
        }
      } catch (InvalidNameException e) {
        throw new IllegalArgumentException("cannot read the subject of the certificate: " + e.getMessage());
      }
    }
    return names;
  }
}
