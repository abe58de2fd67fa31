package a3c.model;

/** A child JVM's whole job in {@link AtariActorCriticTest}: build the Atari network without the Vector API. */
public final class VectorApiProbe {

  private VectorApiProbe() {}

  public static void main(String[] args) {
    try (AtariActorCritic model = new AtariActorCritic(6)) {
      System.out.println("built without the Vector API");
      System.exit(0);
    } catch (IllegalStateException e) {
      System.out.println(e.getMessage());
      System.exit(3);
    }
  }
}
