package a3c.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback in front of a server. {@link #silence()} makes the connections open at
 * that moment go quiet without closing them, as a server host that dies or drops off the network
 * leaves its clients' connections; connections made afterwards are relayed as before, as if the
 * host were back.
 */
final class SilentRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final List<Link> links = new CopyOnWriteArrayList<>();

  SilentRelay(int targetPort) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    daemon("relay-accept", this::accept);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** From now on, nothing more passes on the connections open now, in either direction. */
  void silence() {
    links.forEach(link -> link.silent = true);
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Link link : links) {
      link.client.close();
      link.server.close();
    }
  }

  private void accept() {
    while (true) {
      try {
        Socket client = listener.accept();
        Link link = new Link(client, new Socket(InetAddress.getLoopbackAddress(), targetPort));
        links.add(link);
        daemon("relay-up", () -> link.pump(link.client, link.server));
        daemon("relay-down", () -> link.pump(link.server, link.client));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static final class Link {
    final Socket client;
    final Socket server;
    volatile boolean silent;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    /** Copies bytes until either side closes; once silent, reads on and drops them, and passes on no close. */
    void pump(Socket from, Socket to) {
      byte[] buffer = new byte[64 << 10];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          if (!silent) {
            out.write(buffer, 0, n);
            out.flush();
          }
        }
        if (!silent) {
          to.shutdownOutput();
        }
      } catch (IOException closed) {
        // One side went away, or close() ran.
      }
    }
  }
}
