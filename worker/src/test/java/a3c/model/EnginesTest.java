package a3c.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The two engines held against each other on the same weights: the java engine's hand-written
 * passes against DJL blocks with libtorch's autograd, forward step by step and gradients over a
 * whole rollout, each engine carrying its own LSTM state from step to step as acting does.
 */
class EnginesTest {
  private static final int ACTIONS = 6;
  private static final int ROLLOUT = 20;

  private static ActorCritic atari(Engine engine) {
    return Networks.create(engine, new int[] {4, 84, 84}, ACTIONS);
  }

  private static ActorCritic mlp(Engine engine) {
    return Networks.create(engine, new int[] {4}, 2);
  }

  @Test
  void parameters_sameNamesShapesAndOrderOnBothEngines() {
    try (ActorCritic java = atari(Engine.JAVA); ActorCritic djl = atari(Engine.DJL)) {
      assertEquals(Engine.JAVA, java.engine());
      assertEquals(Engine.DJL, djl.engine());
      assertEquals(java.parameters(), djl.parameters());
      assertEquals(256, djl.recurrentSize());
      assertArrayEquals(java.observationShape(), djl.observationShape());
    }
    try (ActorCritic java = mlp(Engine.JAVA); ActorCritic djl = mlp(Engine.DJL)) {
      assertEquals(List.of("fc.weight", "fc.bias", "actor.weight", "actor.bias", "critic.weight", "critic.bias"),
          djl.parameters().stream().map(ParameterSpec::name).toList());
      assertEquals(java.parameters(), djl.parameters());
      assertEquals(0, djl.recurrentSize());
    }
  }

  @Test
  void initialize_sameSeedSameWeightsOnBothEngines() {
    try (ActorCritic java = atari(Engine.JAVA); ActorCritic djl = atari(Engine.DJL)) {
      java.initialize(42);
      djl.initialize(42);
      assertEquals(java.exportWeights(), djl.exportWeights());
    }
  }

  @Test
  void step_atariEnginesAgreeWithTheReferenceStepAfterStep() {
    try (ActorCritic java = atari(Engine.JAVA); ActorCritic djl = atari(Engine.DJL)) {
      Random random = new Random(31);
      List<float[]> weights = perturbed(java, random);
      java.loadWeights(AtariActorCriticTest.buffers(weights));
      djl.loadWeights(AtariActorCriticTest.buffers(weights));
      float[][] state = {randomState(random), randomState(random)};
      float[] javaHidden = state[0].clone(), javaCell = state[1].clone();
      float[] djlHidden = state[0].clone(), djlCell = state[1].clone();
      float[] javaLogits = new float[ACTIONS];
      float[] djlLogits = new float[ACTIONS];
      for (int t = 0; t < 4; t++) {
        float[] observation = observation(random, 4 * 84 * 84);
        ReferenceAtariNet.Result expected = ReferenceAtariNet.forward(weights, ACTIONS, observation, state[0], state[1]);
        float javaValue = java.step(observation, javaHidden, javaCell, javaLogits);
        float djlValue = djl.step(observation, djlHidden, djlCell, djlLogits);
        for (float[][] actual : List.of(new float[][] {javaLogits, {javaValue}, javaHidden, javaCell},
            new float[][] {djlLogits, {djlValue}, djlHidden, djlCell})) {
          assertArrayEquals(expected.logits(), actual[0], 1e-4f, "logits, step " + t);
          assertArrayEquals(expected.value(), actual[1], 1e-4f, "value, step " + t);
          assertArrayEquals(expected.hidden(), actual[2], 1e-4f, "hidden, step " + t);
          assertArrayEquals(expected.cell(), actual[3], 1e-4f, "cell, step " + t);
        }
        state = new float[][] {expected.hidden(), expected.cell()};
      }
      assertTrue(Math.abs(javaHidden[0]) > 0 && Math.abs(djlCell[0]) > 0, "the state moved");
    }
  }

  @Test
  void backward_atariEnginesAgreeOverAFullRolloutWithTheStateCarried() {
    assertGradientsAgree(() -> atari(Engine.JAVA), () -> atari(Engine.DJL), 4 * 84 * 84, new Random(41), false);
  }

  @Test
  void backward_atariEnginesAgreeOnTheGradientOfWeightsLoadedAfterTheRollout() {
    assertGradientsAgree(() -> atari(Engine.JAVA), () -> atari(Engine.DJL), 4 * 84 * 84, new Random(42), true);
  }

  @Test
  void backward_mlpEnginesAgreeOverAFullRollout() {
    assertGradientsAgree(() -> mlp(Engine.JAVA), () -> mlp(Engine.DJL), 4, new Random(43), false);
    assertGradientsAgree(() -> mlp(Engine.JAVA), () -> mlp(Engine.DJL), 4, new Random(44), true);
  }

  /**
   * Records a {@value #ROLLOUT}-step rollout on both engines, the LSTM state carried by each from
   * step to step and reset after step 7 as at an episode's end, then back-propagates the same
   * output gradients through both; every coordinate of every parameter's gradient must agree.
   */
  private static void assertGradientsAgree(Supplier<ActorCritic> javaNetwork, Supplier<ActorCritic> djlNetwork,
      int observationSize, Random random, boolean newWeightsBeforeBackward) {
    try (ActorCritic java = javaNetwork.get(); ActorCritic djl = djlNetwork.get()) {
      java.initialize(random.nextLong());
      List<float[]> weights = perturbed(java, random);
      java.loadWeights(AtariActorCriticTest.buffers(weights));
      djl.loadWeights(AtariActorCriticTest.buffers(weights));
      int actions = java.actionCount();
      int size = java.recurrentSize();
      float[] javaHidden = new float[size], javaCell = new float[size], djlHidden = new float[size], djlCell = new float[size];
      float[] javaLogits = new float[actions], djlLogits = new float[actions];
      for (int t = 0; t < ROLLOUT; t++) {
        float[] observation = observation(random, observationSize);
        float javaValue = java.trainingStep(t, observation, javaHidden, javaCell, javaLogits);
        float djlValue = djl.trainingStep(t, observation, djlHidden, djlCell, djlLogits);
        assertArrayEquals(javaLogits, djlLogits, 1e-4f, "logits, step " + t);
        assertEquals(javaValue, djlValue, 1e-4f, "value, step " + t);
        assertArrayEquals(javaHidden, djlHidden, 1e-4f, "hidden, step " + t);
        if (t == 7) {
          Arrays.fill(javaHidden, 0f);
          Arrays.fill(javaCell, 0f);
          Arrays.fill(djlHidden, 0f);
          Arrays.fill(djlCell, 0f);
        }
      }
      assertTrue(size == 0 || Math.abs(javaHidden[0]) > 0, "the state was carried");
      if (newWeightsBeforeBackward) {
        List<float[]> next = perturbed(java, random);
        java.loadWeights(AtariActorCriticTest.buffers(next));
        djl.loadWeights(AtariActorCriticTest.buffers(next));
      }
      float[] logitGradients = new float[ROLLOUT * actions];
      float[] valueGradients = new float[ROLLOUT];
      for (int i = 0; i < logitGradients.length; i++) {
        logitGradients[i] = (float) random.nextGaussian();
      }
      for (int t = 0; t < ROLLOUT; t++) {
        valueGradients[t] = (float) random.nextGaussian();
      }
      List<FloatBuffer> javaGradients = gradientBuffers(java);
      List<FloatBuffer> djlGradients = gradientBuffers(djl);
      double javaSum = java.backward(ROLLOUT, logitGradients, valueGradients, javaGradients);
      double djlSum = djl.backward(ROLLOUT, logitGradients, valueGradients, djlGradients);
      double expectedSum = 0;
      for (int p = 0; p < javaGradients.size(); p++) {
        String name = java.parameters().get(p).name();
        float[] expected = new float[djlGradients.get(p).capacity()];
        float[] actual = new float[javaGradients.get(p).capacity()];
        djlGradients.get(p).get(0, expected);
        javaGradients.get(p).get(0, actual);
        float largest = 0;
        for (float g : expected) {
          largest = Math.max(largest, Math.abs(g));
          expectedSum += (double) g * g;
        }
        assertTrue(largest > 0, name + " has a gradient");
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], actual[i], 1e-4f * largest, name + "[" + i + "]");
        }
      }
      assertEquals(expectedSum, djlSum, 1e-6 * expectedSum);
      assertEquals(expectedSum, javaSum, 1e-4 * expectedSum);
    }
  }

  @Test
  void backward_djlGradientIsOfTheCurrentWeights() {
    try (ActorCritic djl = mlp(Engine.DJL)) {
      Random random = new Random(45);
      djl.initialize(1);
      float[] observation = observation(random, 4);
      djl.trainingStep(0, observation, new float[0], new float[0], new float[2]);
      List<FloatBuffer> before = gradientBuffers(djl);
      djl.backward(1, new float[] {1, -1}, new float[] {1}, before);
      djl.loadWeights(AtariActorCriticTest.buffers(perturbed(djl, random)));
      List<FloatBuffer> after = gradientBuffers(djl);
      djl.backward(1, new float[] {1, -1}, new float[] {1}, after);
      assertNotEquals(before.get(0), after.get(0), "fc.weight's gradient follows the loaded weights");
    }
  }

  /** The network's weights scaled at random, with non-zero biases, so that every wire is checked. */
  static List<float[]> perturbed(ActorCritic network, Random random) {
    List<float[]> weights = AtariActorCriticTest.floats(network.exportWeights());
    for (int p = 0; p < weights.size(); p++) {
      float[] values = weights.get(p);
      boolean bias = network.parameters().get(p).shape().length == 1;
      float scale = 0.5f + random.nextFloat();
      for (int i = 0; i < values.length; i++) {
        values[i] = bias ? (float) random.nextGaussian() * 0.1f : values[i] * scale;
      }
    }
    return weights;
  }

  private static List<FloatBuffer> gradientBuffers(ActorCritic network) {
    List<FloatBuffer> buffers = new ArrayList<>();
    for (ParameterSpec spec : network.parameters()) {
      buffers.add(FloatBuffer.allocate(spec.elementCount()));
    }
    return buffers;
  }

  private static float[] observation(Random random, int size) {
    float[] observation = new float[size];
    for (int i = 0; i < size; i++) {
      observation[i] = size > 4 ? random.nextFloat() : (float) random.nextGaussian();
    }
    return observation;
  }

  private static float[] randomState(Random random) {
    float[] state = new float[256];
    for (int i = 0; i < state.length; i++) {
      state[i] = (float) random.nextGaussian() * 0.5f;
    }
    return state;
  }
}
