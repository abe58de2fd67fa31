package a3c.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
  void forward_outputShapes() {
    Torch.noGrad();
    try (NDManager scope = model.manager().newSubManager()) {
      ActorCritic.Output out = model.forward(scope.randomUniform(0, 1, new Shape(3, 4, 84, 84)),
          scope.zeros(new Shape(3, 256)), scope.zeros(new Shape(3, 256)));
      assertEquals(new Shape(3, 6), out.logits().getShape());
      assertEquals(new Shape(3, 1), out.values().getShape());
      assertEquals(new Shape(3, 256), out.hidden().getShape());
      assertEquals(new Shape(3, 256), out.cell().getShape());
    }
  }

  @Test
  void forward_matchesAPlainJavaReference() {
    Random random = new Random(7);
    float[] observation = new float[4 * 84 * 84];
    for (int i = 0; i < observation.length; i++) {
      observation[i] = random.nextFloat();
    }
    float[] hidden = new float[256];
    float[] cell = new float[256];
    for (int i = 0; i < 256; i++) {
      hidden[i] = (float) random.nextGaussian() * 0.5f;
      cell[i] = (float) random.nextGaussian() * 0.5f;
    }
    List<float[]> weights = floats(model.exportWeights());
    // Non-zero biases so that their wiring is checked too.
    for (int p : new int[] {1, 3, 5, 8, 9, 11, 13}) {
      for (int i = 0; i < weights.get(p).length; i++) {
        weights.get(p)[i] = (float) random.nextGaussian() * 0.1f;
      }
    }
    model.loadWeights(buffers(weights));
    ReferenceAtariNet.Result expected =
        ReferenceAtariNet.forward(weights, 6, observation, hidden, cell);
    Torch.noGrad();
    try (NDManager scope = model.manager().newSubManager()) {
      ActorCritic.Output out = model.forward(scope.create(observation, new Shape(1, 4, 84, 84)),
          scope.create(hidden, new Shape(1, 256)), scope.create(cell, new Shape(1, 256)));
      assertArrayEquals(expected.logits(), out.logits().toFloatArray(), 1e-4f);
      assertArrayEquals(expected.value(), out.values().toFloatArray(), 1e-4f);
      assertArrayEquals(expected.hidden(), out.hidden().toFloatArray(), 1e-4f);
      assertArrayEquals(expected.cell(), out.cell().toFloatArray(), 1e-4f);
    }
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
