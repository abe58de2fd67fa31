package a3c.model;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A child JVM's whole job in {@link EngineLoadingTest}: act and learn one rollout of the Atari network
 * on the engine named by the argument, then print whether libtorch is mapped into this process.
 */
public final class EngineMemoryProbe {

  private EngineMemoryProbe() {}

  public static void main(String[] args) throws IOException {
    try (ActorCritic model = Networks.create(Engine.parse(args[0]), new int[] {4, 84, 84}, 6)) {
      model.initialize(1);
      float[] observation = new float[4 * 84 * 84];
      float[] hidden = new float[256];
      float[] cell = new float[256];
      for (int t = 0; t < 20; t++) {
        model.trainingStep(t, observation, hidden, cell, new float[6]);
      }
      List<FloatBuffer> gradients = model.parameters().stream().map(spec -> FloatBuffer.allocate(spec.elementCount())).toList();
      float[] logitGradients = new float[20 * 6];
      java.util.Arrays.fill(logitGradients, 0.1f);
      double sumOfSquares = model.backward(20, logitGradients, new float[20], gradients);
      boolean libtorch = Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(line -> line.contains("libtorch"));
      System.out.println("engine=" + model.engine().flag() + " learned=" + (sumOfSquares > 0) + " libtorch_mapped=" + libtorch);
    }
  }
}
