package a3c.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StatusPollTest {
  private static final long EVERY = 5_000;

  @Test
  void onTime_theNextLineIsAPeriodAfterTheLastOneDue() {
    assertEquals(15_000, StatusPoll.nextProgress(10_000, EVERY, 10_300));
  }

  @Test
  void afterAStall_theNextLineIsAPeriodFromNow_notTheLinesMissed() {
    // The poll waited 30 s for a server that was away: six lines were due meanwhile.
    assertEquals(45_000, StatusPoll.nextProgress(10_000, EVERY, 40_000));
  }
}
