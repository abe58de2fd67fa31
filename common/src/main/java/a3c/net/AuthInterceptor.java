package a3c.net;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks the shared secret on every call ({@code authorization: Bearer <token>}), in constant time
 * and without echoing it. Health checks are exempt so that ordinary probes work; they reveal nothing.
 * The parameter server asks it of every client, a worker host's relay of its local workers.
 */
public final class AuthInterceptor implements ServerInterceptor {
  /** {@code grpc.health.v1.Health}, named here so that this module needs no gRPC services artifact. */
  private static final String HEALTH_SERVICE = "grpc.health.v1.Health";
  private final byte[] expected;

  public AuthInterceptor(String token) {
    this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (HEALTH_SERVICE.equals(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    String given = headers.get(Channels.AUTHORIZATION);
    if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
      call.close(Status.UNAUTHENTICATED.withDescription(given == null
          ? "this server requires an auth token (--auth-token or A3C_AUTH_TOKEN)" : "wrong auth token"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
