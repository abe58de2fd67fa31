package a3c.net;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Builds client channels to a parameter server: message limits for whole models, the token, TLS. */
public final class Channels {
  /** Large enough for the reference network's ~4.8 MB of weights many times over. */
  public static final int MAX_MESSAGE_BYTES = 64 << 20;

  /**
   * HTTP/2 flow-control window. gRPC's 1 MiB default makes every 4.8 MB model wait for several
   * window updates; a window that holds a few models lets a push or a reply stream without pausing.
   */
  public static final int FLOW_CONTROL_WINDOW = 16 << 20;

  /**
   * After this long without a byte from the server, a channel pings it, and closes the connection
   * when no answer comes within {@link #KEEPALIVE_TIMEOUT}: calls on it then fail as UNAVAILABLE,
   * which workers retry, instead of hanging until their deadlines when the server's host dies or
   * drops off the network. While tensors flow there is no ping. gRPC allows no less than 10 s.
   */
  public static final Duration KEEPALIVE_TIME = Duration.ofSeconds(10);

  /** Long enough for a server paused by a full garbage collection on a busy host to answer. */
  public static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The most often a parameter server lets a client ping, below {@link #KEEPALIVE_TIME}: by default
   * a gRPC server allows one ping in 5 minutes and drops clients that ping more often (GOAWAY
   * too_many_pings).
   */
  public static final Duration PERMIT_KEEPALIVE_TIME = Duration.ofSeconds(5);

  /** The header that carries {@code Bearer <token>}. */
  public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private Channels() {}

  /**
   * A channel to {@code host:port}.
   *
   * @param authToken sent as {@code authorization: Bearer <token>} on every call; null for none
   * @param tls how to trust the server's certificate; null for plaintext
   */
  public static ManagedChannel open(String target, String authToken, ClientTls tls) throws IOException {
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target).maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .flowControlWindow(FLOW_CONTROL_WINDOW)
        .keepAliveTime(KEEPALIVE_TIME.toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        // Also between calls, so that a dead connection is replaced before the next call needs it.
        .keepAliveWithoutCalls(true);
    if (tls != null) {
      builder.sslContext(GrpcSslContexts.forClient().trustManager(tls.trusted().toFile()).build());
      if (tls.authority() != null) {
        builder.overrideAuthority(tls.authority().contains(":") ? "[" + tls.authority() + "]" : tls.authority());
      }
    } else {
      builder.usePlaintext();
    }
    if (authToken != null) {
      builder.intercept(bearer(authToken));
    }
    return builder.build();
  }

  /**
   * Whether a call failed because its connection to the server failed, not because the server
   * refused it: UNAVAILABLE, or UNKNOWN caused by an I/O error on this side. grpc-java reports a
   * connection that closes under a call being started (a server killed at that moment) as UNKNOWN
   * "channel closed" with the channel's exception as the cause; a server's own UNKNOWN has no cause.
   */
  public static boolean connectionFailed(Status status) {
    return status.getCode() == Status.Code.UNAVAILABLE
        || status.getCode() == Status.Code.UNKNOWN && status.getCause() instanceof IOException;
  }

  /**
   * Why the server's certificate was refused when a call failed for that reason, else null. A
   * certificate the CA given does not vouch for, or one for another address, fails the same way at
   * every try: unlike an unreachable server it is not worth waiting for.
   */
  public static String untrustedCertificate(Status status) {
    CertificateException refusal = certificateRefusal(status);
    return refusal == null ? null : refusal.getMessage();
  }

  /**
   * Whether a certificate was refused for the names it carries, none of them the host dialled, and
   * not for who signed it: the JDK's hostname check throws a plain {@link CertificateException},
   * its path validation a subclass.
   */
  public static boolean certificateForAnotherName(Status status) {
    CertificateException refusal = certificateRefusal(status);
    return refusal != null && refusal.getClass() == CertificateException.class;
  }

  /** The certificate error a call failed with, the first in its chain of causes; null for none. */
  private static CertificateException certificateRefusal(Status status) {
    for (Throwable cause = status.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof CertificateException refusal) {
        return refusal;
      }
    }
    return null;
  }

  /** Adds {@code authorization: Bearer <token>} to every call. */
  public static ClientInterceptor bearer(String token) {
    String value = "Bearer " + token;
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            headers.put(AUTHORIZATION, value);
            super.start(listener, headers);
          }
        };
      }
    };
  }
}
