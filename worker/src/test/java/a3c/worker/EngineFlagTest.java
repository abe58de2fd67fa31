package a3c.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.model.ActorCritic;
import a3c.model.Engine;
import a3c.model.Networks;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EngineFlagTest {

  private static LearnerOptions parse(String... args) {
    WorkerCommand command = new WorkerCommand();
    new CommandLine(command).parseArgs(args);
    return command.learner;
  }

  @Test
  void engine_defaultsToJava_forBothNetworks() {
    LearnerOptions learner = parse("--ps", "localhost:50051");
    assertNull(learner.learnerConfig().engine());
    assertFalse(learner.args().contains("--engine"), "no flag passed on when none was given");
    try (ActorCritic atari = Networks.create(null, new int[] {4, 84, 84}, 6);
        ActorCritic mlp = Networks.create(null, new int[] {4}, 2)) {
      assertEquals(Engine.JAVA, atari.engine());
      assertEquals(Engine.JAVA, mlp.engine());
    }
  }

  @Test
  void engine_isPassedOnToTheWorkers() {
    LearnerOptions learner = parse("--ps", "localhost:50051", "--engine", "djl");
    assertEquals(Engine.DJL, learner.learnerConfig().engine());
    List<String> args = learner.args();
    assertEquals("djl", args.get(args.indexOf("--engine") + 1));
    assertEquals(Engine.JAVA, parse("--ps", "localhost:50051", "--engine", "java").learnerConfig().engine());
  }

  @Test
  void engine_unknownNamesTheFlagAndTheChoices_andTheWorkerExitsWithUsage() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> parse("--ps", "localhost:50051", "--engine", "torch").learnerConfig());
    assertEquals("--engine must be one of [java, djl], got 'torch'", error.getMessage());
    StringWriter err = new StringWriter();
    int code = new CommandLine(new WorkerCommand()).setErr(new PrintWriter(err))
        .execute("--ps", "localhost:50051", "--env-name", "CartPole-v1", "--engine", "torch");
    assertEquals(2, code);
    assertTrue(err.toString().contains("--engine must be one of [java, djl]"), err.toString());
  }
}
