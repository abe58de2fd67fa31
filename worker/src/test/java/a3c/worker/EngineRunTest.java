package a3c.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.env.atari.TestRoms;
import a3c.learner.LearnerConfig;
import a3c.model.Engine;
import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.proto.GetStatusResponse;
import a3c.proto.StopReason;
import a3c.ps.ParameterServer;
import a3c.ps.ServerConfig;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A short run of a real worker against a real server, on each engine, for CartPole's MLP and Pong's network. */
class EngineRunTest {

  @ParameterizedTest
  @CsvSource({"CartPole-v1, java", "CartPole-v1, djl", "PongNoFrameskip-v4, java", "PongNoFrameskip-v4, djl"})
  void worker_learnsOnEachEngine(String env, String engine) throws Exception {
    ServerConfig serverConfig = ServerConfig.local(OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-3), env)
        .withStopRule(Double.POSITIVE_INFINITY, 200);
    try (ParameterServer server = ParameterServer.start(serverConfig, null)) {
      WorkerConfig config = new WorkerConfig("127.0.0.1:" + server.port(), 0, "worker-0", env,
          env.startsWith("CartPole") ? null : TestRoms.dir(), null, null, LearnerConfig.defaults().withEngine(Engine.parse(engine)),
          1, 0, Duration.ofSeconds(30), null, true);
      StopReason reason;
      try (WorkerRunner runner = new WorkerRunner(config)) {
        assertEquals(Engine.parse(engine), runner.engine());
        reason = runner.run();
      }
      assertEquals(StopReason.STOP_REASON_MAX_STEPS, reason);
      GetStatusResponse status = server.status();
      assertEquals(10, status.getVersion(), "200 agent steps are 10 rollouts of 20, each an update");
      float gradNorm = status.getLastStats().getGradNorm();
      assertTrue(gradNorm > 0 && Float.isFinite(gradNorm), status.getLastStats().toString());
      assertNotEquals(0f, status.getLastStats().getEntropy(), status.getLastStats().toString());
    }
  }
}
