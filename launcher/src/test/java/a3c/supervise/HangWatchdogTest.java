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
  private final HangWatchdog watchdog = new HangWatchdog(clock, Duration.ofSeconds(10));

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
  void alive_keepsTheNewestSign_soAnOldLastSeenTimeCannotMakeARestartedChildLookHung() {
    long start = clock.millis();
    watchdog.alive("worker-0", start - 60_000);
    assertTrue(watchdog.hung("worker-0"));
    watchdog.aliveNow("worker-0");
    watchdog.alive("worker-0", start - 60_000);
    assertFalse(watchdog.hung("worker-0"));
    clock.advance(Duration.ofSeconds(11));
    assertTrue(watchdog.hung("worker-0"));
  }
}
