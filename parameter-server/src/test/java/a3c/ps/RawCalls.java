package a3c.ps;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** Calls a method with request bytes of the test's choosing, as a hostile client would. */
final class RawCalls {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private RawCalls() {}

  /** The reply's bytes; {@code compression} names a compressor ("gzip") or is null for none. */
  static byte[] call(Channel channel, MethodDescriptor<?, ?> method, byte[] request, String compression) {
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
    if (compression != null) {
      options = options.withCompression(compression);
    }
    return ClientCalls.blockingUnaryCall(channel, method.toBuilder(BYTES, BYTES).build(), options, request);
  }
}
