package a3c.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * The address the parameter server listens on ({@code --bind}), checked to be one of this host's,
 * and where clients on this host (the launcher, its workers) reach it.
 *
 * @param flag the address as given
 */
record BindAddress(String flag, InetAddress address) {
  private static final String ADVICE = ": pass an address of this host, 127.0.0.1 for this host only, or 0.0.0.0 for every address";

  /** Resolves {@code --bind}; a name that does not resolve, or an address of another host, is a usage error. */
  static BindAddress of(String flag) {
    InetAddress address;
    try {
      address = InetAddress.getByName(flag);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--bind " + flag + " cannot be resolved" + ADVICE);
    }
    try {
      // The whole 127/8 block is loopback on Linux, though only 127.0.0.1 is listed on the interface.
      if (!address.isAnyLocalAddress() && !address.isLoopbackAddress() && NetworkInterface.getByInetAddress(address) == null) {
        throw new IllegalArgumentException("--bind " + flag + " (" + address.getHostAddress() + ") is not an address of this host" + ADVICE);
      }
    } catch (SocketException e) {
      throw new IllegalArgumentException("cannot list this host's addresses to check --bind " + flag + ": " + e.getMessage());
    }
    return new BindAddress(flag, address);
  }

  /** {@code HOST:PORT} for clients on this host: {@link #clientHost}, an IPv6 one in brackets. */
  String clientTarget(int port) {
    String host = clientHost();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** The address clients on this host dial: the address itself, or loopback when the server binds every address. */
  String clientHost() {
    return (address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address).getHostAddress();
  }

  /** {@code requested} when it is free on this address, or any free port when {@code requested} is 0. */
  int freePort(int requested) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(address, requested));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalArgumentException(requested == 0
          ? "cannot find a free port on " + flag + ": " + e.getMessage()
          : "port " + requested + " on " + flag + " is not free (" + e.getMessage()
              + "): pick another with --port, or --port 0 for any free one");
    }
  }
}
