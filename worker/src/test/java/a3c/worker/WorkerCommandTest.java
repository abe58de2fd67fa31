package a3c.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.learner.LearnerConfig;
import a3c.proto.DType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WorkerCommandTest {

  private static WorkerCommand parse(String... args) {
    WorkerCommand command = new WorkerCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void theReferencesOrder_isTheDefault_andNoSyncUpdatesOverlapsThePush() {
    assertTrue(parse("--ps", "localhost:50051").learner.syncUpdates());
    assertTrue(parse("--ps", "localhost:50051", "--sync-updates").learner.syncUpdates());
    assertFalse(parse("--ps", "localhost:50051", "--no-sync-updates").learner.syncUpdates());
  }

  @Test
  void wireDtype_defaultsToBfloat16ForAServerOnAnotherHost_andToFloat32OnThisHost() {
    for (String remote : new String[] {"10.0.0.5:50051", "server.example:50051", "[2001:db8::1]:50051"}) {
      assertEquals(DType.DTYPE_BFLOAT16, WorkerConfig.defaultWireDtype(remote, null), remote);
    }
    for (String local : new String[] {"localhost:50051", "127.0.0.1:50051", "127.3.2.1:1", "[::1]:50051"}) {
      assertEquals(DType.DTYPE_FLOAT32, WorkerConfig.defaultWireDtype(local, null), local);
    }
    assertEquals(DType.DTYPE_FLOAT32, WorkerConfig.defaultWireDtype("10.0.0.5:50051", Path.of("/dev/shm/run")),
        "shared memory moves no bytes");
  }

  @Test
  void learnerFlags_defaultToTheReferences() {
    LearnerOptions learner = parse("--ps", "localhost:50051").learner;
    assertEquals(LearnerConfig.defaults(), learner.learnerConfig());
    assertEquals(1, learner.seed());
    assertEquals(0, learner.maxEpisodeSteps(), "4e10 steps means no limit");
  }

  @Test
  void badLearnerFlags_nameTheFlag() {
    String[][] bad = {{"--gamma", "1.5"}, {"--entropy-coef", "-0.1"}, {"--value-loss-coef", "-1"},
        {"--max-grad-norm", "0"}, {"--rs", "0"}};
    for (String[] flag : bad) {
      LearnerOptions learner = parse("--ps", "localhost:50051", flag[0], flag[1]).learner;
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, learner::learnerConfig);
      assertTrue(e.getMessage().startsWith(flag[0] + " must be"), e.getMessage());
    }
    LearnerOptions learner = parse("--ps", "localhost:50051", "--ep-length", "-1").learner;
    assertThrows(IllegalArgumentException.class, learner::maxEpisodeSteps);
  }
}
