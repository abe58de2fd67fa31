package a3c.export;

import a3c.checkpoint.CheckpointException;
import a3c.checkpoint.CheckpointFolder;
import a3c.proto.Checkpoint;
import a3c.proto.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scripts/export}: options, checkpoint, safetensors file, exit code. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Writes a checkpoint's weights as a safetensors file under the PyTorch original's parameter names, "
        + "so that its ActorCritic loads them:",
        "  model.load_state_dict(safetensors.torch.load_file('model.safetensors'))",
        "CartPole's network has no counterpart there and keeps its own names."},
    footer = {"", "Exit codes: 0 written, 1 the file cannot be written, 2 bad usage (flags, an unreadable checkpoint)."})
public final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--checkpoint", required = true, paramLabel = "FILE|DIR",
      description = "a checkpoint file, or a folder whose newest usable checkpoint is taken (a run's checkpoints/)")
  Path checkpoint;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "the safetensors file to write")
  Path out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ExportCommand()).execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    CheckpointFolder.Loaded loaded;
    try {
      loaded = CheckpointFolder.load(checkpoint);
    } catch (CheckpointException e) {
      err.println("export: " + e.getMessage());
      return 2;
    }
    Checkpoint trained = loaded.checkpoint();
    List<Tensor> weights = trained.getWeightsList();
    List<String> names = ReferenceNames.of(weights.stream().map(Tensor::getName).toList());
    List<Safetensors.Tensor> tensors = new ArrayList<>();
    for (int t = 0; t < weights.size(); t++) {
      Tensor tensor = weights.get(t);
      tensors.add(new Safetensors.Tensor(names.get(t), tensor.getShapeList().stream().mapToLong(Long::longValue).toArray(),
          tensor.getData().asReadOnlyByteBuffer()));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", "pt");
    metadata.put("env_name", trained.getHyperparameters().getEnvName());
    metadata.put("global_step", Long.toString(trained.getGlobalStep()));
    try {
      Safetensors.write(out, tensors, metadata);
    } catch (IOException e) {
      err.println("export: cannot write " + out + ": " + e.getMessage());
      return 1;
    }
    spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d tensors from %s (global step %d)%s%n", out, tensors.size(),
        loaded.file(), trained.getGlobalStep(), names.equals(weights.stream().map(Tensor::getName).toList())
            ? ", under this project's names (the original has no such network)" : ", under the PyTorch original's names");
    return 0;
  }
}
