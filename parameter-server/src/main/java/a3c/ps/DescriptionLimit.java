package a3c.ps;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Cuts any status description to {@link #MAX_CHARS}. Refusals quote what they refuse briefly
 * already ({@link a3c.input.Quote}); this is the net under them, because a description travels in
 * the trailers, and trailers past the client's limit leave it waiting for a deadline instead.
 */
final class DescriptionLimit implements ServerInterceptor {
  static final int MAX_CHARS = 1024;

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        String description = status.getDescription();
        if (description != null && description.length() > MAX_CHARS) {
          status = status.withDescription(description.substring(0, MAX_CHARS) + "... (" + description.length() + " chars)");
        }
        super.close(status, trailers);
      }
    }, headers);
  }
}
