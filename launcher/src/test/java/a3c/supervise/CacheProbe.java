package a3c.supervise;

/**
 * A main for {@link JvmCacheTest}'s child JVMs: loads a few JDK classes, so there is something to
 * cache; with {@code wait}, then waits a minute, to be killed.
 */
public final class CacheProbe {
  private CacheProbe() {}

  public static void main(String[] args) throws InterruptedException {
    System.out.println(new java.util.TreeMap<>(java.util.Map.of("probe", java.time.Duration.ofSeconds(1))));
    if (args.length > 0 && args[0].equals("wait")) {
      Thread.sleep(60_000);
    }
  }
}
