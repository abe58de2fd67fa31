package a3c.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MachineTest {

  private static final String TWO_EPYC_PROCESSORS = """
      processor\t: 0
      vendor_id\t: AuthenticAMD
      model name\t: AMD EPYC
      cpu MHz\t\t: 1996.249
      flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 smep bmi2

      processor\t: 1
      vendor_id\t: AuthenticAMD
      model name\t: Another model
      cpu MHz\t\t: 3000.000
      flags\t\t: fpu sse sse2 avx512f
      """;

  @Test
  void fromCpuinfo_readsTheFirstProcessorsModelClockAndWidestVectorExtension() {
    Machine machine = Machine.fromCpuinfo(TWO_EPYC_PROCESSORS, 2, "25.0.1+8");
    assertEquals(new Machine("AMD EPYC", 2, 1996, "avx2", "25.0.1+8"), machine);
    assertEquals("machine cpu=\"AMD EPYC\" cores=2 mhz=1996 simd=avx2 java=25.0.1+8", machine.toString());
  }

  @Test
  void fromCpuinfo_prefersAvx512_andSaysUnknownWithoutX86Flags() {
    assertEquals("avx512f", Machine.fromCpuinfo("flags : sse4_2 avx avx2 avx512f avx512bw\n", 1, "21").simd());
    assertEquals("unknown", Machine.fromCpuinfo("Features : fp asimd\n", 1, "21").simd());
  }

  @Test
  void fromCpuinfo_fallsBackToTheArchitecture_whenThereIsNoCpuinfo() {
    Machine machine = Machine.fromCpuinfo("", 4, "21");
    assertEquals(System.getProperty("os.arch"), machine.cpu());
    assertEquals(0, machine.megahertz());
    assertEquals("unknown", machine.simd());
  }

  @Test
  void fromCpuinfo_ignoresAnUnreadableClock() {
    assertEquals(0, Machine.fromCpuinfo("cpu MHz : n/a\n", 1, "21").megahertz());
  }

  @Test
  void current_describesThisJvm() {
    Machine machine = Machine.current();
    assertEquals(Runtime.getRuntime().availableProcessors(), machine.cores());
    assertEquals(Runtime.version().toString(), machine.java());
    assertTrue(!machine.cpu().isBlank(), machine.toString());
  }

  @Test
  void constructor_rejectsNoCores() {
    assertThrows(IllegalArgumentException.class, () -> new Machine("x", 0, 0, "unknown", "21"));
  }
}
