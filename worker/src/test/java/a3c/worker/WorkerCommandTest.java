package a3c.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    assertTrue(parse("--ps", "localhost:50051").syncUpdates);
    assertTrue(parse("--ps", "localhost:50051", "--sync-updates").syncUpdates);
    assertFalse(parse("--ps", "localhost:50051", "--no-sync-updates").syncUpdates);
  }
}
