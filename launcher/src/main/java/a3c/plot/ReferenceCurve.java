package a3c.plot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A published curve to draw next to runs: (wall-clock minutes, score) points from a small CSV whose
 * header is {@code minutes,score}; lines starting with {@code #} are comments, the first one the
 * curve's label.
 */
record ReferenceCurve(String label, double[] minutes, double[] scores) {

  /** @throws IllegalArgumentException naming the file and line when it is not such a CSV */
  static ReferenceCurve read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    String label = null;
    boolean header = false;
    List<double[]> points = new ArrayList<>();
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.startsWith("#")) {
        label = label == null ? line.substring(1).strip() : label;
      } else if (!header) {
        if (!line.equals("minutes,score")) {
          throw new IllegalArgumentException(file + " line " + (n + 1) + ": expected the header minutes,score, got '" + line + "'");
        }
        header = true;
      } else if (!line.isEmpty()) {
        String[] fields = line.split(",", -1);
        try {
          if (fields.length != 2) {
            throw new NumberFormatException("two fields expected");
          }
          points.add(new double[] {Double.parseDouble(fields[0]), Double.parseDouble(fields[1])});
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(file + " line " + (n + 1) + " is not minutes,score: '" + line + "'", e);
        }
      }
    }
    if (points.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no minutes,score points");
    }
    return new ReferenceCurve(label != null ? label : file.getFileName().toString(),
        points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray());
  }
}
