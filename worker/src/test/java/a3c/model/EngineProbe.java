package a3c.model;

import ai.djl.ndarray.NDManager;

/** A child JVM's whole job in {@link TorchLockTest}: start the engine and compute one sum. */
public final class EngineProbe {

  private EngineProbe() {}

  public static void main(String[] args) {
    try (NDManager manager = Torch.newManager()) {
      float sum = manager.create(new float[] {1, 2, 3}).sum().getFloat();
      System.out.println("engine up, sum " + sum);
      System.exit(sum == 6f ? 0 : 1);
    }
  }
}
