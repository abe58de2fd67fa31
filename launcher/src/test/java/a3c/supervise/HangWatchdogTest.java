package a3c.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HangWatchdogTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final HangWatchdog watchdog = new HangWatchdog(clock, Duration.ofSeconds(10), Duration.ofSeconds(120));

  @Test
  void hung_onlyAfterTheTimeoutWithoutASign_andEverySignRestartsTheCount() {
    assertFalse(watchdog.hung("ps"), "a child never noted is not judged");
    watchdog.aliveNow("ps");
    clock.advance(Duration.ofSeconds(10));
    assertFalse(watchdog.hung("ps"));
    clock.advance(Duration.ofMillis(1));
    assertTrue(watchdog.hung("ps"));
    assertEquals(10_001, watchdog.silentMs("ps"));
    watchdog.aliveNow("ps");
    assertFalse(watchdog.hung("ps"));
  }

  @Test
  void aStartingChild_hasTheStartupAllowanceForItsFirstSign_thenTheTimeout() {
    watchdog.starting("worker-0");
    clock.advance(Duration.ofSeconds(119));
    assertFalse(watchdog.hung("worker-0"), "a JVM slow to start is not hung");
    watchdog.aliveNow("worker-0");
    clock.advance(Duration.ofSeconds(11));
    assertTrue(watchdog.hung("worker-0"));
    watchdog.starting("worker-0");
    clock.advance(Duration.ofSeconds(121));
    assertTrue(watchdog.hung("worker-0"), "one that never shows life is hung after the allowance");
  }

  @Test
  void signsOlderThanTheStart_countForNothing() {
    long before = clock.millis();
    clock.advance(Duration.ofSeconds(5));
    watchdog.starting("worker-0");
    watchdog.alive("worker-0", before);
    clock.advance(Duration.ofSeconds(60));
    assertFalse(watchdog.hung("worker-0"), "still in its startup allowance: the old last-seen time did not end it");
    watchdog.alive("worker-0", clock.millis() - 1000);
    clock.advance(Duration.ofSeconds(9));
    assertFalse(watchdog.hung("worker-0"), "10 s after the sign, not after now");
    clock.advance(Duration.ofMillis(1));
    assertTrue(watchdog.hung("worker-0"));
  }
}
