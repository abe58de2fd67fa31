package a3c.launcher;

import a3c.checkpoint.CheckpointFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Finding a trained model for {@code --use-trained} and {@code --resume}, checked against the env it is for. */
final class TrainedModels {
  private TrainedModels() {}

  /** Reads a checkpoint (a file, or the newest in a folder) and checks that it was trained on {@code envName}. */
  static CheckpointFolder.Loaded load(Path fileOrFolder, String envName) {
    CheckpointFolder.Loaded loaded = CheckpointFolder.load(fileOrFolder);
    String trainedOn = loaded.checkpoint().getHyperparameters().getEnvName();
    if (!trainedOn.isEmpty() && !trainedOn.equals(envName)) {
      throw new IllegalArgumentException(loaded.file() + " was trained on " + trainedOn + ", not " + envName
          + ": pass --env-name " + trainedOn + ", or a checkpoint of " + envName);
    }
    return loaded;
  }

  /**
   * Where the trained model is: {@code checkpoint} when given, else {@code runDir}'s checkpoints, else
   * those of the newest {@code runs/<envName>-*}.
   */
  static Path find(Path checkpoint, Path runDir, String envName) {
    if (checkpoint != null) {
      return checkpoint;
    }
    if (runDir != null) {
      return runDir.resolve("checkpoints");
    }
    Path runs = Path.of("runs");
    try (var entries = Files.list(runs)) {
      return entries.filter(run -> run.getFileName().toString().startsWith(envName + "-"))
          .max(Comparator.comparing(run -> run.getFileName().toString()))
          .map(run -> run.resolve("checkpoints"))
          .orElseThrow(() -> new IllegalArgumentException("no trained model for " + envName + " under " + runs.toAbsolutePath()
              + ": pass --checkpoint FILE or --run-dir DIR"));
    } catch (IOException e) {
      throw new IllegalArgumentException("no trained model for " + envName + ": " + runs.toAbsolutePath()
          + " cannot be read (" + e.getMessage() + "); pass --checkpoint FILE or --run-dir DIR");
    }
  }

  /** The run folder a checkpoint sits in ({@code runs/X/checkpoints/file}), else the current folder: where GIFs go. */
  static Path gifFolder(Path checkpointFile) {
    Path folder = checkpointFile.toAbsolutePath().getParent();
    return folder.getFileName().toString().equals("checkpoints") ? folder.getParent() : Path.of("").toAbsolutePath();
  }
}
