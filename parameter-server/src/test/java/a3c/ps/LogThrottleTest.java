package a3c.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import a3c.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
  @Test
  void admit_letsOneEventAPeriodThrough_andCountsTheOnesLeftOut() {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    LogThrottle throttle = new LogThrottle(clock, Duration.ofMinutes(1));
    assertEquals(0, throttle.admit());
    for (int i = 0; i < 500; i++) {
      assertEquals(-1, throttle.admit());
    }
    clock.advance(Duration.ofSeconds(59));
    assertEquals(-1, throttle.admit());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(501, throttle.admit());
    assertEquals(-1, throttle.admit());
  }
}
