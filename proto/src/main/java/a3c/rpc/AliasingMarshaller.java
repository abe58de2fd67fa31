package a3c.rpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;

/**
 * A protobuf marshaller whose parsed {@code bytes} fields share one buffer with the message.
 *
 * <p>Gradients and weights are megabytes of raw floats. grpc's stock marshaller parses messages
 * over 4 MiB from a stream, which copies every bytes field again (into chunked ByteStrings that
 * cannot be viewed as one buffer). Reading the message once into an array and parsing it with
 * aliasing turns each tensor into a view of that array. Serialising is the stock path.
 */
final class AliasingMarshaller<T extends Message> implements MethodDescriptor.Marshaller<T> {
  private final MethodDescriptor.Marshaller<T> stock;
  private final Parser<T> parser;
  private final String messageName;

  @SuppressWarnings("unchecked")
  AliasingMarshaller(T defaultInstance) {
    this.stock = ProtoUtils.marshaller(defaultInstance);
    this.parser = (Parser<T>) defaultInstance.getParserForType();
    this.messageName = defaultInstance.getDescriptorForType().getFullName();
  }

  @Override
  public InputStream stream(T value) {
    return stock.stream(value);
  }

  /**
   * Parses one message.
   *
   * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT when the bytes are not a message of this
   *     type; RESOURCE_EXHAUSTED (from grpc's stream) when a compressed message inflates past the limit
   */
  @Override
  public T parse(InputStream stream) {
    try {
      byte[] bytes;
      if (stream instanceof KnownLength) {
        // Straight into an array of the right size: InputStream.readNBytes(int) would gather 8 KiB chunks and copy again.
        bytes = new byte[stream.available()];
        if (stream.readNBytes(bytes, 0, bytes.length) != bytes.length) {
          throw new IOException("message ended early");
        }
      } else {
        bytes = stream.readAllBytes();
      }
      // Only a stream over bytes marked immutable hands out aliases; a plain newInstance(byte[]) copies.
      CodedInputStream input = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
      input.enableAliasing(true);
      input.setSizeLimit(Integer.MAX_VALUE);
      return parser.parseFrom(input);
    } catch (InvalidProtocolBufferException e) {
      throw Status.INVALID_ARGUMENT.withDescription("the bytes are not a valid " + messageName + ": " + e.getMessage())
          .asRuntimeException();
    } catch (IOException e) {
      throw Status.INVALID_ARGUMENT.withDescription("cannot read a " + messageName + ": " + e.getMessage()).asRuntimeException();
    }
  }
}
