package a3c.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a network computes: {@link #JAVA} runs hand-written plain-Java passes (the Vector API kernel
 * for the reference's Atari network, scalar loops for the small MLP) and never loads libtorch;
 * {@link #DJL} builds the network from DJL blocks and takes its gradients from libtorch's autograd,
 * so any network a user defines in blocks trains without a hand-written backward pass.
 */
public enum Engine {
  JAVA, DJL;

  /** The flag's spelling: {@code java} or {@code djl}. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads a flag value. @throws IllegalArgumentException naming {@code --engine} and the choices */
  public static Engine parse(String flag) {
    for (Engine engine : values()) {
      if (engine.flag().equals(flag)) {
        return engine;
      }
    }
    throw new IllegalArgumentException("--engine must be one of " + Arrays.stream(values()).map(Engine::flag).toList()
        + ", got '" + flag + "'");
  }
}
