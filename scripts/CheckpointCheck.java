import a3c.checkpoint.CheckpointException;
import a3c.checkpoint.CheckpointFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * For scripts/soak: reads every checkpoint in a folder as --resume would, and looks for temporary
 * files a save left behind. Prints "checkpoints=N corrupt=M" (a leftover counts as corrupt) and
 * names each bad file on its own line before it.
 */
public class CheckpointCheck {
  public static void main(String[] args) throws Exception {
    Path folder = Path.of(args[0]);
    List<Path> checkpoints = CheckpointFolder.list(folder);
    int corrupt = 0;
    for (Path file : checkpoints) {
      try {
        CheckpointFolder.load(file);
      } catch (CheckpointException e) {
        System.out.println("corrupt: " + e.getMessage());
        corrupt++;
      }
    }
    try (Stream<Path> files = Files.list(folder)) {
      for (Path leftover : files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()) {
        System.out.println("left half-written: " + leftover);
        corrupt++;
      }
    }
    System.out.println("checkpoints=" + checkpoints.size() + " corrupt=" + corrupt);
  }
}
