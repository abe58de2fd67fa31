package a3c.optim;

import java.util.Arrays;
import java.util.Locale;

/** The optimizers the reference offers through {@code --opt}. */
public enum OptimizerKind {
  ADAM,
  RMSPROP;

  /** The name used on the command line and in checkpoints. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code adam} or {@code rmsprop}, in any case. */
  public static OptimizerKind parse(String name) {
    for (OptimizerKind kind : values()) {
      if (kind.flag().equalsIgnoreCase(name.strip())) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown optimizer '" + name + "': expected one of "
        + Arrays.stream(values()).map(OptimizerKind::flag).toList());
  }
}
