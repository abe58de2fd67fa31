package a3c.env.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FrameStackTest {

  @Test
  void fill_repeatsTheFirstFrame() {
    FrameStack stack = new FrameStack(4, 2);
    stack.fill(new byte[] {(byte) 255, 51});
    float[] observation = new float[8];
    stack.write(observation);
    assertArrayEquals(new float[] {1f, 0.2f, 1f, 0.2f, 1f, 0.2f, 1f, 0.2f}, observation, 1e-7f);
  }

  @Test
  void push_shiftsOldestFirst() {
    FrameStack stack = new FrameStack(4, 1);
    stack.fill(new byte[] {0});
    float[] observation = new float[4];
    for (int value = 1; value <= 5; value++) {
      stack.push(new byte[] {(byte) value});
    }
    stack.write(observation);
    assertArrayEquals(new float[] {2 / 255f, 3 / 255f, 4 / 255f, 5 / 255f}, observation);
    stack.push(new byte[] {(byte) 200});
    stack.write(observation);
    assertArrayEquals(new float[] {3 / 255f, 4 / 255f, 5 / 255f, 200 / 255f}, observation);
  }

  @Test
  void wrongLengths_rejected() {
    FrameStack stack = new FrameStack(4, 2);
    assertThrows(IllegalArgumentException.class, () -> stack.push(new byte[3]));
    assertThrows(IllegalArgumentException.class, () -> stack.write(new float[7]));
  }
}
