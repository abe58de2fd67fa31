package a3c.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.learner.LearnerConfig;
import a3c.worker.LearnerOptions;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

class LauncherCommandTest {

  private static List<String> workerArgs(String... args) {
    LauncherCommand command = new LauncherCommand();
    new CommandLine(command).parseArgs(args);
    return command.config().workerArgs();
  }

  /** The learner flags as a worker JVM parses them. */
  private static LearnerOptions asTheWorkerReadsThem(List<String> workerArgs) {
    class Worker {
      @Mixin LearnerOptions learner = new LearnerOptions();
    }
    Worker worker = new Worker();
    // The worker's other flags (--env-name, --rom-dir) are not the learner's business here.
    new CommandLine(worker).setUnmatchedArgumentsAllowed(true).parseArgs(workerArgs.toArray(String[]::new));
    return worker.learner;
  }

  @Test
  void workers_keepTheReferencesOrder_byDefault_andNoSyncUpdatesIsPassedOn() {
    List<String> byDefault = workerArgs("--env-name", "CartPole-v1", "--port", "0");
    assertTrue(byDefault.contains("--sync-updates"), byDefault.toString());
    assertFalse(byDefault.contains("--no-sync-updates"), byDefault.toString());
    List<String> overlapped = workerArgs("--env-name", "CartPole-v1", "--port", "0", "--no-sync-updates");
    assertTrue(overlapped.contains("--no-sync-updates"), overlapped.toString());
    assertFalse(overlapped.contains("--sync-updates"), overlapped.toString());
    List<String> inOrder = workerArgs("--env-name", "CartPole-v1", "--port", "0", "--sync-updates");
    assertTrue(inOrder.contains("--sync-updates"), inOrder.toString());
  }

  @Test
  void workers_getEveryLearnerFlag_withTheValueGiven() {
    LearnerOptions passedOn = asTheWorkerReadsThem(workerArgs("--env-name", "CartPole-v1", "--port", "0", "--gamma", "0.9",
        "--entropy-coef", "0.02", "--value-loss-coef", "0.25", "--max-grad-norm", "10", "--seed", "7", "--rs", "5",
        "--ep-length", "1000", "--no-sync-updates"));
    assertEquals(new LearnerConfig(0.9f, 0.02f, 0.25f, 10f, 5), passedOn.learnerConfig());
    assertEquals(7, passedOn.seed());
    assertEquals(1000, passedOn.maxEpisodeSteps());
    assertFalse(passedOn.syncUpdates());
    LearnerOptions byDefault = asTheWorkerReadsThem(workerArgs("--env-name", "CartPole-v1", "--port", "0"));
    assertEquals(LearnerConfig.defaults(), byDefault.learnerConfig());
    assertEquals(0, byDefault.maxEpisodeSteps());
  }

  @Test
  void badLearnerFlag_stopsTheLaunch_withTheFlagsName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> workerArgs("--env-name", "CartPole-v1", "--port", "0", "--gamma", "2"));
    assertEquals("--gamma must be in [0, 1], got 2.0", e.getMessage());
  }

  private static List<String> serverArgs(String... args) {
    LauncherCommand command = new LauncherCommand();
    new CommandLine(command).parseArgs(args);
    return command.config().psArgs();
  }

  @Test
  void server_getsOnlyTheServerFlagsGiven_asGiven_soThatAResumedRunKeepsItsCheckpointsValues() {
    assertEquals(List.of("--env-name", "CartPole-v1"), serverArgs("--env-name", "CartPole-v1", "--port", "0"));
    assertEquals(List.of("--env-name", "CartPole-v1", "--opt", "rmsprop", "--lr", "0.001", "--stop-measure", "rounds",
            "--max-steps", "5000", "--applier-threads", "2"),
        serverArgs("--env-name", "CartPole-v1", "--port", "0", "--applier-threads", "2", "--lr", "0.001", "--max-steps", "5000",
            "--stop-measure", "rounds", "--opt", "rmsprop", "--gamma", "0.9"));
    // The server sends its weights to remote workers and worker hosts in this dtype.
    assertEquals(List.of("--env-name", "CartPole-v1", "--wire-dtype", "bfloat16"),
        serverArgs("--env-name", "CartPole-v1", "--port", "0", "--wire-dtype", "bfloat16"));
  }

  @Test
  void wireDtype_isBfloat16ByDefaultForAWorkerHost_andFloat32ForAServer_unlessGiven() {
    LauncherCommand host = new LauncherCommand();
    new CommandLine(host).parseArgs("--ps", "10.0.0.5:50051", "--env-name", "CartPole-v1");
    assertEquals("bfloat16", host.server.workerHostWireDtype());
    assertEquals("float32", host.server.serverWireDtype());
    LauncherCommand given = new LauncherCommand();
    new CommandLine(given).parseArgs("--ps", "10.0.0.5:50051", "--env-name", "CartPole-v1", "--wire-dtype", "float32");
    assertEquals("float32", given.server.workerHostWireDtype());
  }

  @Test
  void badServerFlag_stopsTheLaunch_withTheFlagsName() {
    String[][] cases = {{"--stop-measure", "mean"}, {"--checkpoint-every", "0"}, {"--keep-checkpoints", "0"},
        {"--max-message-mb", "4096"}, {"--linger-seconds", "-1"}, {"--wire-dtype", "float16"}};
    String[] expected = {"--stop-measure must be one of episodes, rounds, got 'mean'", "--checkpoint-every must be positive, got 0.0",
        "--keep-checkpoints must be >= 1, got 0", "--max-message-mb must be in 1..2047, got 4096", "--linger-seconds must be >= 0, got -1.0",
        "--wire-dtype must be float32 or bfloat16, got 'float16'"};
    for (int i = 0; i < cases.length; i++) {
      String[] args = {"--env-name", "CartPole-v1", "--port", "0", cases[i][0], cases[i][1]};
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> serverArgs(args));
      assertEquals(expected[i], e.getMessage());
    }
  }
}
