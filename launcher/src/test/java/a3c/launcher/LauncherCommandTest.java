package a3c.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LauncherCommandTest {

  private static List<String> workerArgs(String... args) {
    LauncherCommand command = new LauncherCommand();
    new CommandLine(command).parseArgs(args);
    return command.config().workerArgs();
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
}
