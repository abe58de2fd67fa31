package a3c.model;

import static a3c.model.AtariKernel.FILTERS1;
import static a3c.model.AtariKernel.FILTERS2;
import static a3c.model.AtariKernel.FLAT;
import static a3c.model.AtariKernel.HIDDEN;
import static a3c.model.AtariKernel.KERNEL1;
import static a3c.model.AtariKernel.KERNEL2;
import static a3c.model.AtariKernel.OUT1;
import static a3c.model.AtariKernel.OUT2;
import static a3c.model.AtariKernel.SIZE;
import static a3c.model.AtariKernel.STRIDE1;
import static a3c.model.AtariKernel.STRIDE2;

import java.util.ArrayList;
import java.util.List;

/**
 * What the hand-blocked loops of {@link AtariKernel} (and of the classes it runs) take for granted,
 * each named and checked once before a kernel is built, so that a JVM or CPU that breaks one fails
 * at start-up with a message rather than computing garbage or crawling:
 *
 * <ol>
 *   <li>the Vector API module is present ({@code --add-modules jdk.incubator.vector});
 *   <li>256-bit vectors of 8 floats, and the CPU's preferred vectors are at least that wide (a
 *       narrower CPU would run them emulated, orders of magnitude slower);
 *   <li>the block sizes: conv1's 16 filters are two vectors and conv2's 32 four; conv1's 20 output
 *       columns and 8 kernel columns go four at a time, conv2's 9 output columns three at a time,
 *       conv1's 16 channels two at a time in conv2's weight gradient; the dense rows four at a
 *       time; the dense columns (2,592 and 256) sixteen at a time;
 *   <li>the parameters in the order and shapes of {@link AtariActorCritic#specs}, which the kernel
 *       reads by index ({@code AtariKernel.CONV1_WEIGHT} ... {@code CRITIC_BIAS}).
 * </ol>
 */
final class KernelAssumptions {
  static final String VECTOR_MODULE = "jdk.incubator.vector";
  private static final String WAY_OUT = "; --engine djl runs the same network through libtorch";

  private KernelAssumptions() {}

  /** @throws IllegalStateException naming every assumption that does not hold, and the way out */
  static void check(List<ParameterSpec> parameters) {
    if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      throw new IllegalStateException("the java engine's Atari kernel runs on the Vector API: start java with --add-modules "
          + VECTOR_MODULE + " (scripts/ and the launcher do)" + WAY_OUT);
    }
    List<String> broken = new ArrayList<>();
    vectors(broken);
    blocks(broken);
    order(parameters, broken);
    if (!broken.isEmpty()) {
      throw new IllegalStateException("the java engine's Atari kernel cannot run here: " + String.join("; ", broken) + WAY_OUT);
    }
  }

  /** Separate from {@link #check}'s module test: the vector classes resolve only once the module is known to be there. */
  private static void vectors(List<String> broken) {
    int lanes = AtariKernel.LANES.length();
    if (lanes != 8) {
      broken.add("it needs 8-float vectors, its species has " + lanes);
    }
    int preferredBits = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
    if (preferredBits < AtariKernel.LANES.vectorBitSize()) {
      broken.add("it needs 256-bit vectors (AVX2 or wider), this CPU's preferred vectors have " + preferredBits + " bits");
    }
  }

  private static void blocks(List<String> broken) {
    int lanes = 8;
    require(broken, FILTERS1 == 2 * lanes, "conv1's filters must be two vectors, got " + FILTERS1);
    require(broken, FILTERS2 == 4 * lanes, "conv2's filters must be four vectors, got " + FILTERS2);
    require(broken, OUT1 == (SIZE - KERNEL1) / STRIDE1 + 1 && OUT1 % 4 == 0 && KERNEL1 % 4 == 0,
        "conv1's " + OUT1 + " output and " + KERNEL1 + " kernel columns must go four at a time");
    require(broken, OUT2 == (OUT1 - KERNEL2) / STRIDE2 + 1 && OUT2 % 3 == 0,
        "conv2's " + OUT2 + " output columns must go three at a time");
    require(broken, FILTERS1 % 2 == 0, "conv1's " + FILTERS1 + " channels must go two at a time");
    require(broken, FLAT == FILTERS2 * OUT2 * OUT2, "the dense layer's input must be conv2's output, got " + FLAT);
    require(broken, HIDDEN % 16 == 0 && FLAT % 16 == 0,
        "the dense layers' " + HIDDEN + " and " + FLAT + " columns must go sixteen at a time");
  }

  /** Each index the kernel reads holds the parameter named there, in the shape the loops walk. */
  private static void order(List<ParameterSpec> parameters, List<String> broken) {
    int actions = parameters.size() > AtariKernel.ACTOR_BIAS ? (int) parameters.get(AtariKernel.ACTOR_BIAS).shape()[0] : 0;
    List<ParameterSpec> expected = new ArrayList<>(List.of(
        new ParameterSpec("conv1.weight", new long[] {FILTERS1, AtariKernel.FRAMES, KERNEL1, KERNEL1}),
        new ParameterSpec("conv1.bias", new long[] {FILTERS1}),
        new ParameterSpec("conv2.weight", new long[] {FILTERS2, FILTERS1, KERNEL2, KERNEL2}),
        new ParameterSpec("conv2.bias", new long[] {FILTERS2}),
        new ParameterSpec("fc.weight", new long[] {HIDDEN, FLAT}),
        new ParameterSpec("fc.bias", new long[] {HIDDEN}),
        new ParameterSpec("lstm.weight_ih", new long[] {4 * HIDDEN, HIDDEN}),
        new ParameterSpec("lstm.weight_hh", new long[] {4 * HIDDEN, HIDDEN}),
        new ParameterSpec("lstm.bias_ih", new long[] {4 * HIDDEN}),
        new ParameterSpec("lstm.bias_hh", new long[] {4 * HIDDEN}),
        new ParameterSpec("actor.weight", new long[] {actions, HIDDEN}),
        new ParameterSpec("actor.bias", new long[] {actions}),
        new ParameterSpec("critic.weight", new long[] {1, HIDDEN}),
        new ParameterSpec("critic.bias", new long[] {1})));
    int[] indices = {AtariKernel.CONV1_WEIGHT, AtariKernel.CONV1_BIAS, AtariKernel.CONV2_WEIGHT, AtariKernel.CONV2_BIAS,
        AtariKernel.FC_WEIGHT, AtariKernel.FC_BIAS, AtariKernel.LSTM_WEIGHT_IH, AtariKernel.LSTM_WEIGHT_HH,
        AtariKernel.LSTM_BIAS_IH, AtariKernel.LSTM_BIAS_HH, AtariKernel.ACTOR_WEIGHT, AtariKernel.ACTOR_BIAS,
        AtariKernel.CRITIC_WEIGHT, AtariKernel.CRITIC_BIAS};
    if (parameters.size() != indices.length) {
      broken.add("it reads " + indices.length + " parameters, the network has " + parameters.size());
      return;
    }
    for (int k = 0; k < indices.length; k++) {
      ParameterSpec actual = parameters.get(indices[k]);
      if (!actual.equals(expected.get(k))) {
        broken.add("it reads " + expected.get(k) + " at index " + indices[k] + ", the network has " + actual + " there");
      }
    }
  }

  private static void require(List<String> broken, boolean holds, String message) {
    if (!holds) {
      broken.add(message);
    }
  }
}
