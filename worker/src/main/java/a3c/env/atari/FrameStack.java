package a3c.env.atari;

/**
 * The last {@code depth} preprocessed frames, written into an observation oldest first and scaled to [0, 1].
 *
 * <p>Frames are kept as unsigned bytes in a ring, so pushing one copies one frame, not the stack.
 */
final class FrameStack {

  private static final float[] SCALED = new float[256];

  static {
    for (int value = 0; value < 256; value++) {
      // value / 255f is what numpy gives for uint8.astype(np.float32) / 255.0.
      SCALED[value] = value / 255f;
    }
  }

  private final int depth;
  private final int frameSize;
  private final byte[][] frames;
  /** Ring position of the oldest frame. */
  private int oldest;

  FrameStack(int depth, int frameSize) {
    if (depth < 1 || frameSize < 1) {
      throw new IllegalArgumentException("depth and frameSize must be >= 1, got " + depth + ", " + frameSize);
    }
    this.depth = depth;
    this.frameSize = frameSize;
    this.frames = new byte[depth][frameSize];
  }

  /** Fills every slot with {@code frame}, as an episode's first observation does. */
  void fill(byte[] frame) {
    checkFrame(frame);
    for (byte[] slot : frames) {
      System.arraycopy(frame, 0, slot, 0, frameSize);
    }
    oldest = 0;
  }

  /** Drops the oldest frame and appends {@code frame} as the newest. */
  void push(byte[] frame) {
    checkFrame(frame);
    System.arraycopy(frame, 0, frames[oldest], 0, frameSize);
    oldest = (oldest + 1) % depth;
  }

  /** Writes the stack, channel 0 the oldest frame, each value divided by 255. */
  void write(float[] observation) {
    if (observation.length != depth * frameSize) {
      throw new IllegalArgumentException(
          "observation must hold " + depth + " x " + frameSize + " = " + depth * frameSize
              + " floats, got " + observation.length);
    }
    for (int channel = 0; channel < depth; channel++) {
      byte[] frame = frames[(oldest + channel) % depth];
      int offset = channel * frameSize;
      for (int i = 0; i < frameSize; i++) {
        observation[offset + i] = SCALED[frame[i] & 0xFF];
      }
    }
  }

  private void checkFrame(byte[] frame) {
    if (frame.length != frameSize) {
      throw new IllegalArgumentException("frame must hold " + frameSize + " bytes, got " + frame.length);
    }
  }
}
