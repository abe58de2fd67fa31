package a3c.launcher;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the test games pick actions. {@link #GREEDY} is the reference's test: the most probable action.
 * The others are for finding out why a greedy game goes wrong: {@link #DIRECTION} takes the most
 * probable joystick direction first (an action and its FIRE twin added together, see {@link
 * TestGames#directions}) and then its most probable action; {@link #SAMPLE} plays the stochastic
 * policy the workers train with.
 */
enum TestPolicy {
  GREEDY,
  DIRECTION,
  SAMPLE;

  String flag() {
    return name().toLowerCase(Locale.ROOT);
  }

  static TestPolicy parse(String flag) {
    for (TestPolicy policy : values()) {
      if (policy.flag().equals(flag)) {
        return policy;
      }
    }
    throw new IllegalArgumentException("--test-policy must be one of "
        + Arrays.stream(values()).map(TestPolicy::flag).collect(Collectors.joining(", ")) + ", got '" + flag + "'");
  }
}
