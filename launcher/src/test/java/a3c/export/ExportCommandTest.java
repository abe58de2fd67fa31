package a3c.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.checkpoint.CheckpointFile;
import a3c.checkpoint.Checkpoints;
import a3c.model.AtariActorCritic;
import a3c.model.ParameterSpec;
import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.proto.Checkpoint;
import a3c.proto.Hyperparameters;
import a3c.proto.Tensor;
import a3c.rpc.Tensors;
import a3c.store.ParameterStore;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ExportCommandTest {
  /** The PyTorch original's state_dict keys and shapes for 6 actions, in our order. */
  private static final List<String> ORIGINAL = List.of("conv1.weight 16x4x8x8", "conv1.bias 16", "conv2.weight 32x16x4x4",
      "conv2.bias 32", "fc1.weight 256x2592", "fc1.bias 256", "lstm_cell.weight_ih 1024x256", "lstm_cell.weight_hh 1024x256",
      "lstm_cell.bias_ih 1024", "lstm_cell.bias_hh 1024", "out_actor.weight 6x256", "out_actor.bias 6",
      "out_critic.weight 1x256", "out_critic.bias 1");

  @TempDir Path folder;

  /** A checkpoint as the server writes it, of the Atari network's drawn weights with non-zero biases. */
  private Checkpoint writeCheckpoint(Path file) throws IOException {
    List<Tensor> weights = new ArrayList<>();
    try (AtariActorCritic model = new AtariActorCritic(6)) {
      model.initialize(5);
      List<ByteBuffer> values = model.exportWeights();
      for (int t = 0; t < values.size(); t++) {
        ParameterSpec spec = model.parameters().get(t);
        ByteBuffer data = values.get(t).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; spec.shape().length == 1 && i < spec.elementCount(); i++) {
          data.putFloat(i * Float.BYTES, 0.001f * (t + 1) * (i + 1));
        }
        weights.add(Tensors.of(spec.name(), spec.shape(), ByteString.copyFrom(data.duplicate())));
      }
    }
    Checkpoint checkpoint;
    try (ParameterStore store = ParameterStore.initialize(weights, OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-4), 1)) {
      checkpoint = Checkpoints.fromStore(store.capture().join())
          .setHyperparameters(Hyperparameters.newBuilder().setEnvName("PongNoFrameskip-v4")).build();
    }
    CheckpointFile.write(file, checkpoint);
    return checkpoint;
  }

  private static int export(String... args) {
    return new CommandLine(new ExportCommand()).setOut(new PrintWriter(new StringWriter()))
        .setErr(new PrintWriter(new StringWriter())).execute(args);
  }

  @Test
  void export_atariCheckpoint_readBackUnderTheOriginalsNamesWithEveryValue() throws IOException {
    Path checkpointFile = folder.resolve("checkpoint-000001.a3c");
    Checkpoint checkpoint = writeCheckpoint(checkpointFile);
    Path out = folder.resolve("model.safetensors");
    assertEquals(0, export("--checkpoint", checkpointFile.toString(), "--out", out.toString()));

    ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = file.getLong(0);
    assertEquals(0, headerLength % 8, "the data starts 8-byte aligned");
    JsonObject header = JsonParser.parseString(new String(file.array(), 8, (int) headerLength, StandardCharsets.UTF_8))
        .getAsJsonObject();
    assertEquals("pt", header.getAsJsonObject("__metadata__").get("format").getAsString());
    assertEquals(ORIGINAL.size() + 1, header.size(), header.keySet().toString());
    int dataStart = 8 + (int) headerLength;
    long covered = 0;
    for (int t = 0; t < ORIGINAL.size(); t++) {
      String[] nameAndShape = ORIGINAL.get(t).split(" ");
      JsonObject entry = header.getAsJsonObject(nameAndShape[0]);
      assertEquals("F32", entry.get("dtype").getAsString(), nameAndShape[0]);
      List<String> shape = new ArrayList<>();
      entry.getAsJsonArray("shape").forEach(d -> shape.add(d.getAsString()));
      assertEquals(nameAndShape[1], String.join("x", shape), nameAndShape[0]);
      long begin = entry.getAsJsonArray("data_offsets").get(0).getAsLong();
      long end = entry.getAsJsonArray("data_offsets").get(1).getAsLong();
      float[] expected = Tensors.toArray(checkpoint.getWeights(t));
      assertEquals(expected.length * 4L, end - begin, nameAndShape[0]);
      float[] actual = new float[expected.length];
      for (int i = 0; i < actual.length; i++) {
        actual[i] = file.getFloat(dataStart + (int) begin + 4 * i);
      }
      assertArrayEquals(expected, actual, 0f, nameAndShape[0]);
      covered += end - begin;
    }
    assertEquals(file.capacity() - dataStart, covered, "the tensors cover the data without gaps");
  }

  @Test
  void export_readByAPythonStandardLibraryReader() throws Exception {
    Assumptions.assumeTrue(python() != null, "python3 not on this machine");
    Path checkpointFile = folder.resolve("checkpoints").resolve("checkpoint-000003.a3c");
    Checkpoint checkpoint = writeCheckpoint(checkpointFile);
    Path out = folder.resolve("model.safetensors");
    assertEquals(0, export("--checkpoint", checkpointFile.getParent().toString(), "--out", out.toString()));
    Path script = folder.resolve("read_safetensors.py");
    try (InputStream resource = getClass().getResourceAsStream("read_safetensors.py")) {
      Files.copy(resource, script);
    }
    Process reader = new ProcessBuilder(python(), script.toString(), out.toString()).redirectErrorStream(true).start();
    String output = new String(reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(reader.waitFor(60, TimeUnit.SECONDS), output);
    assertEquals(0, reader.exitValue(), output);
    List<String> expected = new ArrayList<>();
    for (int t = 0; t < ORIGINAL.size(); t++) {
      String[] nameAndShape = ORIGINAL.get(t).split(" ");
      CRC32 crc = new CRC32();
      crc.update(checkpoint.getWeights(t).getData().asReadOnlyByteBuffer());
      expected.add(nameAndShape[0] + " F32 " + nameAndShape[1] + " " + crc.getValue() + " "
          + checkpoint.getWeights(t).getData().size() / 4);
    }
    assertEquals(expected, output.lines().toList());
  }

  @Test
  void export_badCheckpointIsUsageErrorAndWritesNothing() throws IOException {
    Path bad = folder.resolve("bad.a3c");
    Files.writeString(bad, "this is a text file, not an a3c-java checkpoint");
    Path out = folder.resolve("model.safetensors");
    StringWriter err = new StringWriter();
    int code = new CommandLine(new ExportCommand()).setErr(new PrintWriter(err)).execute("--checkpoint", bad.toString(),
        "--out", out.toString());
    assertEquals(2, code);
    assertTrue(err.toString().contains("bad.a3c") && err.toString().contains("A3CCKPT1"), err.toString());
    assertTrue(Files.notExists(out));
  }

  @Test
  void referenceNames_otherNetworksKeepTheirNames() {
    List<String> mlp = List.of("fc.weight", "fc.bias", "actor.weight", "actor.bias", "critic.weight", "critic.bias");
    assertEquals(mlp, ReferenceNames.of(mlp));
  }

  /** python3 on the PATH, or null. */
  private static String python() {
    for (String folder : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(folder.isEmpty() ? "." : folder, "python3");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
