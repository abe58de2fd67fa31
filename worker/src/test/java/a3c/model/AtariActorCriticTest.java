package a3c.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AtariActorCriticTest {

  private AtariActorCritic model;

  @BeforeEach
  void create() {
    model = new AtariActorCritic(6);
    model.initialize(42);
  }

  @AfterEach
  void close() {
    model.close();
  }

  @Test
  void parameters_stateDictNamesShapesAndCount() {
    List<String> names = model.parameters().stream().map(ParameterSpec::name).toList();
    assertEquals(List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight",
        "fc.bias", "lstm.weight_ih", "lstm.weight_hh", "lstm.bias_ih", "lstm.bias_hh",
        "actor.weight", "actor.bias", "critic.weight", "critic.bias"), names);
    assertArrayEquals(new long[] {256, 2592}, model.parameters().get(4).shape());
    assertArrayEquals(new long[] {1024, 256}, model.parameters().get(6).shape());
    long count = model.parameters().stream().mapToLong(ParameterSpec::elementCount).sum();
    System.out.println("AtariActorCritic(6 actions) parameters: " + count);
    assertEquals(16 * 4 * 64 + 16 + 32 * 16 * 16 + 32 + 256 * 2592 + 256 + 2 * 1024 * 256 + 2 * 1024
        + 6 * 256 + 6 + 256 + 1, count);
    assertEquals(1_204_279, count);
  }

  @Test
  void step_followsEveryChangeOfWeights() {
    Random random = new Random(12);
    float[] observation = randomObservation(random);
    float[] logits = new float[6];
    List<float[]> first = randomBiases(floats(model.exportWeights()), random);
    model.loadWeights(buffers(first));
    float value = model.step(observation, new float[256], new float[256], logits);
    assertEquals(ReferenceAtariNet.forward(first, 6, observation, new float[256], new float[256]).value()[0], value, 1e-4f);

    List<float[]> second = randomBiases(floats(model.exportWeights()), random);
    model.loadWeights(buffers(second));
    float[] expected = ReferenceAtariNet.forward(second, 6, observation, new float[256], new float[256]).logits();
    model.step(observation, new float[256], new float[256], logits);
    assertArrayEquals(expected, logits, 1e-4f, "after loadWeights");

    model.initialize(5);
    List<float[]> drawn = floats(model.exportWeights());
    expected = ReferenceAtariNet.forward(drawn, 6, observation, new float[256], new float[256]).logits();
    model.step(observation, new float[256], new float[256], logits);
    assertArrayEquals(expected, logits, 1e-4f, "after initialize");
  }

  @Test
  void constructor_withoutTheVectorApiNamesTheFlag() throws Exception {
    String javaCommand = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(javaCommand, "-cp", System.getProperty("java.class.path"), VectorApiProbe.class.getName())
        .redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(120, TimeUnit.SECONDS));
    assertEquals(3, child.exitValue(), output);
    assertTrue(output.contains("--add-modules jdk.incubator.vector"), output);
    assertTrue(output.contains("--engine djl"), output);
  }

  @Test
  void kernelAssumptions_parametersOutOfOrderNameTheIndex() {
    List<ParameterSpec> swapped = new ArrayList<>(AtariActorCritic.specs(6));
    java.util.Collections.swap(swapped, 8, 9);
    IllegalStateException error = assertThrows(IllegalStateException.class, () -> KernelAssumptions.check(swapped));
    assertTrue(error.getMessage().contains("lstm.bias_ih[1024] at index 8"), error.getMessage());
    assertTrue(error.getMessage().contains("--engine djl"), error.getMessage());
    IllegalStateException short_ = assertThrows(IllegalStateException.class,
        () -> KernelAssumptions.check(swapped.subList(0, 12)));
    assertTrue(short_.getMessage().contains("reads 14 parameters, the network has 12"), short_.getMessage());
    KernelAssumptions.check(AtariActorCritic.specs(6));
  }

  @Test
  void initialize_kaimingConvXavierLinearZeroBias() {
    List<float[]> weights = floats(model.exportWeights());
    List<ParameterSpec> specs = model.parameters();
    for (int p = 0; p < specs.size(); p++) {
      String name = specs.get(p).name();
      long[] shape = specs.get(p).shape();
      float[] values = weights.get(p);
      if (name.contains("bias")) {
        for (float value : values) {
          assertEquals(0f, value, name);
        }
      } else if (name.startsWith("conv")) {
        double fanIn = shape[1] * shape[2] * shape[3];
        assertEquals(Math.sqrt(2 / fanIn), std(values), 0.05 * Math.sqrt(2 / fanIn), name);
        assertEquals(0, mean(values), 0.1 * Math.sqrt(2 / fanIn), name);
      } else {
        double bound = Math.sqrt(6.0 / (shape[0] + shape[1]));
        double max = 0;
        for (float value : values) {
          max = Math.max(max, Math.abs(value));
        }
        assertTrue(max <= bound, name + " exceeds the Xavier bound " + bound);
        if (values.length > 1000) {
          assertTrue(max > 0.99 * bound, name + " max " + max + " far below the bound " + bound);
          assertEquals(bound / Math.sqrt(3), std(values), 0.03 * bound, name);
        }
      }
    }
  }

  @Test
  void initialize_sameSeedSameWeights() {
    try (AtariActorCritic other = new AtariActorCritic(6)) {
      other.initialize(42);
      assertEquals(model.exportWeights(), other.exportWeights());
      other.initialize(43);
      assertTrue(!model.exportWeights().equals(other.exportWeights()));
    }
  }

  @Test
  void loadWeights_exportRoundTripIsExact() {
    List<ByteBuffer> exported = model.exportWeights();
    try (AtariActorCritic other = new AtariActorCritic(6)) {
      // Read-only heap buffers, as protobuf's asReadOnlyByteBuffer() gives them.
      other.loadWeights(exported.stream().map(ByteBuffer::asReadOnlyBuffer).toList());
      assertEquals(exported, other.exportWeights());
      List<ByteBuffer> direct = new ArrayList<>();
      for (ByteBuffer buffer : exported) {
        direct.add(ByteBuffer.allocateDirect(buffer.remaining()).put(buffer.duplicate()).flip()
            .asReadOnlyBuffer());
      }
      other.initialize(1);
      other.loadWeights(direct);
      assertEquals(exported, other.exportWeights());
    }
  }

  @Test
  void loadWeights_wrongLengthNamesTheTensor() {
    List<ByteBuffer> weights = new ArrayList<>(model.exportWeights());
    weights.set(4, ByteBuffer.allocate(16));
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> model.loadWeights(weights));
    assertTrue(error.getMessage().contains("fc.weight"), error.getMessage());
    assertThrows(IllegalArgumentException.class, () -> model.loadWeights(weights.subList(0, 3)));
  }

  private static float[] randomObservation(Random random) {
    float[] observation = new float[4 * 84 * 84];
    for (int i = 0; i < observation.length; i++) {
      observation[i] = random.nextFloat();
    }
    return observation;
  }

  /** The weights with the drawn ones scaled at random and non-zero biases, so that every wire is checked. */
  private static List<float[]> randomBiases(List<float[]> weights, Random random) {
    Set<Integer> biases = Set.of(1, 3, 5, 8, 9, 11, 13);
    for (int p = 0; p < weights.size(); p++) {
      float[] values = weights.get(p);
      boolean bias = biases.contains(p);
      float scale = 0.5f + random.nextFloat();
      for (int i = 0; i < values.length; i++) {
        values[i] = bias ? (float) random.nextGaussian() * 0.1f : values[i] * scale;
      }
    }
    return weights;
  }

  static List<float[]> floats(List<ByteBuffer> buffers) {
    List<float[]> arrays = new ArrayList<>();
    for (ByteBuffer buffer : buffers) {
      float[] values = new float[buffer.remaining() / Float.BYTES];
      buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      arrays.add(values);
    }
    return arrays;
  }

  static List<ByteBuffer> buffers(List<float[]> arrays) {
    List<ByteBuffer> buffers = new ArrayList<>();
    for (float[] values : arrays) {
      ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      buffer.asFloatBuffer().put(values);
      buffers.add(buffer);
    }
    return buffers;
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float value : values) {
      sum += value;
    }
    return sum / values.length;
  }

  private static double std(float[] values) {
    double mean = mean(values);
    double sum = 0;
    for (float value : values) {
      sum += (value - mean) * (value - mean);
    }
    return Math.sqrt(sum / values.length);
  }
}
