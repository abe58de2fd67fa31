package a3c.relay;

import a3c.net.AuthInterceptor;
import a3c.net.Channels;
import a3c.net.ClientTls;
import a3c.proto.DType;
import a3c.rpc.ParameterServerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A running relay: the gRPC service on this host's loopback for its workers, and the one channel
 * to the parameter server. It asks its workers for the server's token, when the server has one:
 * loopback is open to every user of the host, and a push it forwards lands in the server's model.
 * The channel reconnects on its own when the server comes back.
 */
public final class Relay implements AutoCloseable {
  private final ManagedChannel upstream;
  private final HeldWeights weights;
  private final Server server;

  private Relay(ManagedChannel upstream, HeldWeights weights, Server server) {
    this.upstream = upstream;
    this.weights = weights;
    this.server = server;
  }

  /**
   * Starts a relay on {@code 127.0.0.1:port} (0 for any free port) in front of {@code psTarget}.
   *
   * @param authToken the server's shared secret, which the relay also asks of its workers; null for none
   * @param tls how to trust the server's certificate; null for plaintext
   * @param sharedMemoryDir the folder of the workers' gradients files and of the weights file the relay writes
   * @param wire how tensors travel to and from the server
   */
  public static Relay start(String psTarget, String authToken, ClientTls tls, int port, Path sharedMemoryDir, DType wire)
      throws IOException {
    ManagedChannel upstream = Channels.open(psTarget, authToken, tls);
    HeldWeights weights = new HeldWeights(sharedMemoryDir);
    RelayService service = new RelayService(upstream, weights, new GradientsCheck(sharedMemoryDir), wire);
    try {
      Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
          .flowControlWindow(Channels.FLOW_CONTROL_WINDOW)
          .permitKeepAliveTime(Channels.PERMIT_KEEPALIVE_TIME.toMillis(), TimeUnit.MILLISECONDS)
          .permitKeepAliveWithoutCalls(true)
          .maxInboundMessageSize(Channels.MAX_MESSAGE_BYTES)
          .addService(authToken == null ? ParameterServerGrpc.bindService(service)
              : ServerInterceptors.intercept(ParameterServerGrpc.bindService(service), new AuthInterceptor(authToken)))
          .build().start();
      return new Relay(upstream, weights, server);
    } catch (IOException e) {
      upstream.shutdownNow();
      throw e;
    }
  }

  public int port() {
    return server.getPort();
  }

  /** Blocks until {@link #close()} ran. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() throws IOException {
    server.shutdownNow();
    upstream.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
      upstream.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    weights.close();
  }
}
