package a3c.tensorboard;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an event file back record by record, checking both CRCs of every record, and decodes the
 * Event fields the writer produces. Unknown fields are skipped, as TensorBoard does.
 */
public final class EventReader {
  public record Event(double wallTime, long step, String fileVersion, List<Value> values) {}

  public record Value(String tag, float simpleValue) {}

  private EventReader() {}

  public static List<Event> read(Path file) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    for (int index = 0; bytes.hasRemaining(); index++) {
      byte[] data = nextRecord(bytes, file, index);
      try {
        events.add(decodeEvent(CodedInputStream.newInstance(data)));
      } catch (IOException e) {
        throw new IOException(file + ": record " + index + ": not a valid Event proto", e);
      }
    }
    return events;
  }

  private static byte[] nextRecord(ByteBuffer bytes, Path file, int index) throws IOException {
    if (bytes.remaining() < TfRecords.HEADER_BYTES) {
      throw failure(file, index, "truncated header: " + bytes.remaining() + " of " + TfRecords.HEADER_BYTES + " bytes");
    }
    int headerStart = bytes.position();
    long length = bytes.getLong();
    int storedLengthCrc = bytes.getInt();
    int lengthCrc = TfRecords.maskedCrc32c(bytes.array(), headerStart, Long.BYTES);
    if (storedLengthCrc != lengthCrc) {
      throw failure(file, index, "length CRC mismatch: stored " + hex(storedLengthCrc) + ", computed " + hex(lengthCrc));
    }
    if (length > bytes.remaining() - TfRecords.FOOTER_BYTES) {
      throw failure(file, index, "truncated data: record needs " + (length + TfRecords.FOOTER_BYTES)
          + " more bytes, " + bytes.remaining() + " remain");
    }
    byte[] data = new byte[(int) length];
    bytes.get(data);
    int storedDataCrc = bytes.getInt();
    int dataCrc = TfRecords.maskedCrc32c(data, 0, data.length);
    if (storedDataCrc != dataCrc) {
      throw failure(file, index, "data CRC mismatch: stored " + hex(storedDataCrc) + ", computed " + hex(dataCrc));
    }
    return data;
  }

  private static Event decodeEvent(CodedInputStream in) throws IOException {
    double wallTime = 0;
    long step = 0;
    String fileVersion = null;
    List<Value> values = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case EventProtos.EVENT_WALL_TIME -> wallTime = in.readDouble();
        case EventProtos.EVENT_STEP -> step = in.readInt64();
        case EventProtos.EVENT_FILE_VERSION -> fileVersion = in.readString();
        case EventProtos.EVENT_SUMMARY -> values.addAll(decodeSummary(in.readBytes().newCodedInput()));
        default -> in.skipField(tag);
      }
    }
    return new Event(wallTime, step, fileVersion, values);
  }

  private static List<Value> decodeSummary(CodedInputStream in) throws IOException {
    List<Value> values = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == EventProtos.SUMMARY_VALUE) {
        values.add(decodeValue(in.readBytes().newCodedInput()));
      } else {
        in.skipField(tag);
      }
    }
    return values;
  }

  private static Value decodeValue(CodedInputStream in) throws IOException {
    String tagName = null;
    float simpleValue = Float.NaN;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case EventProtos.VALUE_TAG -> tagName = in.readString();
        case EventProtos.VALUE_SIMPLE_VALUE -> simpleValue = in.readFloat();
        default -> in.skipField(tag);
      }
    }
    return new Value(tagName, simpleValue);
  }

  private static IOException failure(Path file, int index, String what) {
    return new IOException(file + ": record " + index + ": " + what);
  }

  private static String hex(int value) {
    return String.format("0x%08x", value);
  }
}
