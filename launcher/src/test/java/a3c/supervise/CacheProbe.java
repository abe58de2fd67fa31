package a3c.supervise;

/** A main for {@link JvmCacheTest}'s child JVMs: loads a few JDK classes, so there is something to cache. */
public final class CacheProbe {
  private CacheProbe() {}

  public static void main(String[] args) {
    System.out.println(new java.util.TreeMap<>(java.util.Map.of("probe", java.time.Duration.ofSeconds(1))));
  }
}
