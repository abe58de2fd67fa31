package a3c.export;

import a3c.files.ReplacementFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Writes float32 tensors in the safetensors format (huggingface/safetensors): the header's length as
 * an 8-byte little-endian unsigned integer, the header, a JSON object mapping each tensor's name to
 * its {@code dtype}, {@code shape} and {@code data_offsets} (begin and end in the data that follows,
 * without gaps) plus an optional {@code __metadata__} object of strings, padded with spaces to a
 * multiple of 8 bytes, then the tensors' raw little-endian bytes.
 */
final class Safetensors {
  /** One tensor: its name, shape and little-endian float32 bytes. */
  record Tensor(String name, long[] shape, ByteBuffer data) {}

  private Safetensors() {}

  /** Writes {@code tensors} to {@code file} through a temporary file, so a reader never sees half of it. */
  static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
    byte[] header = header(tensors, metadata);
    Path temporary = ReplacementFile.beside(file);
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        out.write(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.write(header);
        for (Tensor tensor : tensors) {
          ByteBuffer data = tensor.data().duplicate();
          byte[] bytes = new byte[data.remaining()];
          data.get(bytes);
          out.write(bytes);
        }
      }
      try {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename " + temporary + " to " + file + " atomically", e);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  static byte[] header(List<Tensor> tensors, Map<String, String> metadata) {
    StringBuilder json = new StringBuilder("{\"__metadata__\":{");
    String separator = "";
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      json.append(separator).append(quote(entry.getKey())).append(':').append(quote(entry.getValue()));
      separator = ",";
    }
    json.append('}');
    long offset = 0;
    for (Tensor tensor : tensors) {
      long elements = 1;
      StringBuilder shape = new StringBuilder();
      for (long dimension : tensor.shape()) {
        elements *= dimension;
        shape.append(shape.isEmpty() ? "" : ",").append(dimension);
      }
      long bytes = tensor.data().remaining();
      if (bytes != elements * Float.BYTES) {
        throw new IllegalArgumentException(tensor.name() + ": " + bytes + " bytes for " + elements + " float32 values");
      }
      json.append(',').append(quote(tensor.name())).append(":{\"dtype\":\"F32\",\"shape\":[").append(shape)
          .append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
      offset += bytes;
    }
    json.append('}');
    while (json.length() % 8 != 0) {
      json.append(' ');
    }
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A JSON string; names and metadata here are ASCII, but quotes, backslashes and control characters are escaped. */
  private static String quote(String value) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      if (c == '"' || c == '\\') {
        quoted.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        quoted.append(String.format("\\u%04x", (int) c));
      } else {
        quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }
}
