package a3c.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Byte-exact checks against hand-encoded protobuf, so a wrong field number cannot round-trip unnoticed. */
class EventProtosTest {
  private static byte[] hex(String spaced) {
    return HexFormat.of().parseHex(spaced.replace(" ", ""));
  }

  @Test
  void scalar_encodesEventWithSummaryValue() {
    byte[] expected = hex(
        "09 000000000000f83f" // field 1 wall_time, fixed64: 1.5
            + " 10 07" // field 2 step, varint: 7
            + " 2a 0a" // field 5 summary, 10 bytes
            + " 0a 08" //   Summary field 1 value, 8 bytes
            + " 0a 01 61" //     Value field 1 tag: "a"
            + " 15 00000040"); //     Value field 2 simple_value, fixed32: 2.0f
    assertArrayEquals(expected, EventProtos.scalar("a", 2f, 7, 1.5));
  }

  @Test
  void scalar_zeroValue_stillWritesSimpleValue() {
    byte[] expected = hex("09 0000000000000000 10 00 2a 0a 0a 08 0a 01 61 15 00000000");
    assertArrayEquals(expected, EventProtos.scalar("a", 0f, 0, 0));
  }

  @Test
  void fileVersion_encodesBrainEvent2() {
    byte[] expected = hex("09 000000000000f83f 1a 0d" + HexFormat.of().formatHex("brain.Event:2".getBytes(StandardCharsets.UTF_8)));
    assertArrayEquals(expected, EventProtos.fileVersion(1.5));
  }
}
