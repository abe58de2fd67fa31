package a3c.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
  @Test
  void backoff_doublesWithEachFailureInARow_upToTheMaximum() {
    RestartPolicy policy = new RestartPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30));
    assertEquals(Duration.ofSeconds(1), policy.backoff(1));
    assertEquals(Duration.ofSeconds(2), policy.backoff(2));
    assertEquals(Duration.ofSeconds(16), policy.backoff(5));
    assertEquals(Duration.ofSeconds(30), policy.backoff(6));
    assertEquals(Duration.ofSeconds(30), policy.backoff(60));
  }
}
