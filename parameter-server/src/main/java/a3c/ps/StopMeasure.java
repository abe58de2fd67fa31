package a3c.ps;

import a3c.input.Quote;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which running mean the target is compared with.
 *
 * <p>{@link #EPISODES}: the mean of the last 100 episodes, whichever worker played them (ours). {@link
 * #ROUNDS}: the reference's rule, the mean of the last 100 round averages once more than 100 rounds have
 * formed, a round being one episode from every worker (see {@link ScoreBoard}).
 */
public enum StopMeasure {
  EPISODES,
  ROUNDS;

  public String flag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The measure a flag names; a clear error naming the choices otherwise. */
  public static StopMeasure parse(String flag) {
    for (StopMeasure measure : values()) {
      if (measure.flag().equals(flag)) {
        return measure;
      }
    }
    throw new IllegalArgumentException("--stop-measure must be one of "
        + Arrays.stream(values()).map(StopMeasure::flag).collect(Collectors.joining(", ")) + ", got " + Quote.of(flag));
  }
}
