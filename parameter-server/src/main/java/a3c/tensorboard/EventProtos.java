package a3c.tensorboard;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Hand-encoded {@code tensorflow.Event} messages, so that the module needs no copy of
 * TensorFlow's .proto files. Field numbers are those of tensorflow/core/util/event.proto and
 * tensorflow/core/framework/summary.proto.
 */
final class EventProtos {
  static final int EVENT_WALL_TIME = 1; // double
  static final int EVENT_STEP = 2; // int64
  static final int EVENT_FILE_VERSION = 3; // string, in oneof "what"
  static final int EVENT_SUMMARY = 5; // Summary, in oneof "what"
  static final int SUMMARY_VALUE = 1; // repeated Summary.Value
  static final int VALUE_TAG = 1; // string
  static final int VALUE_SIMPLE_VALUE = 2; // float, in oneof "value"

  /** TensorBoard only accepts files whose first event names this version. */
  static final String FILE_VERSION = "brain.Event:2";

  private EventProtos() {}

  static byte[] fileVersion(double wallTimeSeconds) {
    int size = CodedOutputStream.computeDoubleSize(EVENT_WALL_TIME, wallTimeSeconds)
        + CodedOutputStream.computeStringSize(EVENT_FILE_VERSION, FILE_VERSION);
    return encode(size, out -> {
      out.writeDouble(EVENT_WALL_TIME, wallTimeSeconds);
      out.writeString(EVENT_FILE_VERSION, FILE_VERSION);
    });
  }

  static byte[] scalar(String tag, float value, long step, double wallTimeSeconds) {
    // simple_value sits in a oneof, so it is written even when 0: without it TensorBoard would not
    // know the value is a scalar at all.
    int valueSize = CodedOutputStream.computeStringSize(VALUE_TAG, tag)
        + CodedOutputStream.computeFloatSize(VALUE_SIMPLE_VALUE, value);
    byte[] summaryValue = encode(valueSize, out -> {
      out.writeString(VALUE_TAG, tag);
      out.writeFloat(VALUE_SIMPLE_VALUE, value);
    });
    byte[] summary = encode(CodedOutputStream.computeByteArraySize(SUMMARY_VALUE, summaryValue),
        out -> out.writeByteArray(SUMMARY_VALUE, summaryValue));
    int eventSize = CodedOutputStream.computeDoubleSize(EVENT_WALL_TIME, wallTimeSeconds)
        + CodedOutputStream.computeInt64Size(EVENT_STEP, step)
        + CodedOutputStream.computeByteArraySize(EVENT_SUMMARY, summary);
    return encode(eventSize, out -> {
      out.writeDouble(EVENT_WALL_TIME, wallTimeSeconds);
      out.writeInt64(EVENT_STEP, step);
      out.writeByteArray(EVENT_SUMMARY, summary);
    });
  }

  private interface Fields {
    void writeTo(CodedOutputStream out) throws IOException;
  }

  private static byte[] encode(int size, Fields fields) {
    byte[] bytes = new byte[size];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      fields.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      // Only reachable if a computed size disagrees with what was written: a bug here, not I/O.
      throw new UncheckedIOException("encoded size differs from the computed " + size + " bytes", e);
    }
    return bytes;
  }
}
