package a3c.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What this machine offers a run: the cores the launcher may use and the memory available to new
 * processes. A record so that tests can state a machine instead of needing one.
 *
 * @param cpus the CPU ids this process may run on (its affinity mask), in order
 * @param memAvailableBytes {@code MemAvailable} of /proc/meminfo, or -1 where there is none (not Linux)
 */
record HostResources(List<Integer> cpus, long memAvailableBytes) {
  HostResources {
    if (cpus.isEmpty()) {
      throw new IllegalArgumentException("a machine has at least one CPU");
    }
    cpus = List.copyOf(cpus);
  }

  int cores() {
    return cpus.size();
  }

  /** This machine, from /proc where there is one; elsewhere the JVM's processor count and unknown memory. */
  static HostResources current() {
    List<Integer> allowed = List.of();
    long available = -1;
    try {
      allowed = cpuList(statusField(Files.readString(Path.of("/proc/self/status")), "Cpus_allowed_list"));
      available = memAvailable(Files.readString(Path.of("/proc/meminfo")));
    } catch (IOException | RuntimeException notLinux) {
      // Fall back below: the count without ids, memory unknown.
    }
    if (allowed.isEmpty()) {
      allowed = new ArrayList<>();
      for (int cpu = 0; cpu < Runtime.getRuntime().availableProcessors(); cpu++) {
        allowed.add(cpu);
      }
    }
    return new HostResources(allowed, available);
  }

  /** {@code MemAvailable} of a /proc/meminfo text in bytes (it is given in kB), or -1 without one. */
  static long memAvailable(String meminfo) {
    String value = statusField(meminfo, "MemAvailable");
    if (value == null) {
      return -1;
    }
    return Long.parseLong(value.replace("kB", "").strip()) * 1024;
  }

  /** A CPU list such as {@code 0-3,8,10-11}, as /proc and taskset write them. */
  static List<Integer> cpuList(String list) {
    List<Integer> cpus = new ArrayList<>();
    if (list == null || list.isBlank()) {
      return cpus;
    }
    for (String part : list.strip().split(",")) {
      int dash = part.indexOf('-');
      int first = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
      int last = dash < 0 ? first : Integer.parseInt(part.substring(dash + 1));
      for (int cpu = first; cpu <= last; cpu++) {
        cpus.add(cpu);
      }
    }
    return cpus;
  }

  private static String statusField(String text, String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).strip();
      }
    }
    return null;
  }
}
