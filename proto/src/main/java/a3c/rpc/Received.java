package a3c.rpc;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;

/**
 * A request as the server receives it: the message, or the status that refuses its bytes.
 *
 * <p>grpc-java answers a request its marshaller cannot parse with UNKNOWN "Application error
 * processing RPC" and logs a stack trace for each. Parsing into this record instead never throws,
 * so the handler can answer INVALID_ARGUMENT (or RESOURCE_EXHAUSTED) and log as it sees fit.
 */
public record Received<T>(T message, Status refusal) {
  /** The server side of a method: the same name and schema, with requests parsed into {@code Received}. */
  static <Q, R> MethodDescriptor<Received<Q>, R> serverSide(MethodDescriptor<Q, R> method) {
    return method.toBuilder(new Unmarshaller<>(method.getRequestMarshaller()), method.getResponseMarshaller()).build();
  }

  private record Unmarshaller<T>(MethodDescriptor.Marshaller<T> parser) implements MethodDescriptor.Marshaller<Received<T>> {
    @Override
    public InputStream stream(Received<T> value) {
      return parser.stream(value.message());
    }

    @Override
    public Received<T> parse(InputStream stream) {
      try {
        return new Received<>(parser.parse(stream), null);
      } catch (StatusRuntimeException e) {
        return new Received<>(null, e.getStatus());
      }
    }
  }
}
