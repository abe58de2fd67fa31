package a3c.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The processor and JVM a run or benchmark ran on.
 *
 * <p>Machines of the same nominal size differ a lot in speed: two 2-core VMs of the same kind here
 * ran the worker benchmark at about 800 and at 267 agent steps/s (the slower one a first-generation
 * AMD EPYC at 2.0 GHz), so throughput figures are only comparable next to this line.
 *
 * @param cpu the processor's model name, or the JVM's architecture name where none is known
 * @param cores processors available to this JVM
 * @param megahertz the clock /proc/cpuinfo reports, 0 where unknown
 * @param simd the widest x86 vector extension the processor reports, or "unknown"
 * @param java the JVM's version
 */
public record Machine(String cpu, int cores, int megahertz, String simd, String java) {

  /** Widest first: the first of these the processor's flags name is reported. */
  private static final List<String> SIMD_WIDEST_FIRST = List.of("avx512f", "avx2", "avx", "sse4_2");

  public Machine {
    if (cores < 1) {
      throw new IllegalArgumentException("cores must be positive, got " + cores);
    }
  }

  /** This JVM's machine; reads /proc/cpuinfo where there is one. */
  public static Machine current() {
    String cpuinfo;
    try {
      cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
    } catch (IOException | RuntimeException e) {
      cpuinfo = "";
    }
    return fromCpuinfo(cpuinfo, Runtime.getRuntime().availableProcessors(), Runtime.version().toString());
  }

  /** Reads the first processor's entry of a /proc/cpuinfo text; missing fields get the fallbacks above. */
  static Machine fromCpuinfo(String cpuinfo, int cores, String java) {
    String cpu = System.getProperty("os.arch");
    int megahertz = 0;
    String simd = "unknown";
    // Entries are separated by blank lines; the first processor stands for all.
    for (String line : cpuinfo.strip().split("\n\\s*\n", 2)[0].split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String value = line.substring(colon + 1).strip();
      switch (line.substring(0, colon).strip()) {
        case "model name" -> cpu = value;
        case "cpu MHz" -> megahertz = megahertz(value);
        case "flags" -> simd = widestSimd(List.of(value.split("\\s+")));
        default -> { }
      }
    }
    return new Machine(cpu, cores, megahertz, simd, java);
  }

  private static int megahertz(String value) {
    try {
      return (int) Math.round(Double.parseDouble(value));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String widestSimd(List<String> flags) {
    return SIMD_WIDEST_FIRST.stream().filter(flags::contains).findFirst().orElse("unknown");
  }

  /** One line of key=value pairs, like the figures it goes with. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "machine cpu=\"%s\" cores=%d mhz=%d simd=%s java=%s", cpu, cores, megahertz, simd,
        java);
  }
}
