package a3c.optim;

/**
 * A push whose gradients were refused while a pass read them; the pass was undone, so the weights,
 * the moments and the step counts are as they were before it.
 */
public final class PushRefused extends RuntimeException {
  private final int push;

  PushRefused(int push, IllegalArgumentException reason) {
    super(reason.getMessage(), reason);
    this.push = push;
  }

  /** The push's index in the pass. */
  public int push() {
    return push;
  }

  /** Why it was refused, in words for its sender. */
  public IllegalArgumentException reason() {
    return (IllegalArgumentException) getCause();
  }
}
