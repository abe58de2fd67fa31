package a3c.env.atari;

import java.util.Arrays;

/**
 * Downscales a single-channel float image the way OpenCV's {@code cv2.resize(..., INTER_AREA)} does.
 *
 * <p>Each output pixel is the area-weighted average of the source pixels its cell covers. The
 * per-axis weight tables are built once, with OpenCV's {@code computeResizeAreaTab} rules
 * (including its 1e-3 threshold for partial cells and its double-precision cell bounds), so a
 * resize is two separable passes over primitive arrays: rows first, then columns, both summed in
 * float in OpenCV's order.
 *
 * <p>Deviation: OpenCV takes a separate "fast" path when both scale factors are integers, which
 * sums a whole block and multiplies once by {@code 1/area}; here integer ratios use the same tables
 * as every other ratio, so they may differ from OpenCV in the last float bit. The Atari ratios
 * (160 to 84, 210 to 110) are not integers. Upscaling, where OpenCV falls back to bilinear, is rejected.
 */
final class AreaResize {

  private final int srcWidth;
  private final int srcHeight;
  private final int dstWidth;
  private final int dstHeight;
  private final Axis columns;
  private final Axis rows;
  /** Source rows already averaged across columns: srcHeight x dstWidth. */
  private final float[] rowPass;

  AreaResize(int srcWidth, int srcHeight, int dstWidth, int dstHeight) {
    if (dstWidth <= 0 || dstHeight <= 0 || dstWidth > srcWidth || dstHeight > srcHeight) {
      throw new IllegalArgumentException(
          "area resize only downscales: " + srcWidth + "x" + srcHeight + " -> " + dstWidth + "x" + dstHeight);
    }
    this.srcWidth = srcWidth;
    this.srcHeight = srcHeight;
    this.dstWidth = dstWidth;
    this.dstHeight = dstHeight;
    this.columns = Axis.of(srcWidth, dstWidth);
    this.rows = Axis.of(srcHeight, dstHeight);
    this.rowPass = new float[srcHeight * dstWidth];
  }

  /** Resizes {@code src} (srcHeight rows of srcWidth) into {@code dst} (dstHeight rows of dstWidth). */
  void resize(float[] src, float[] dst) {
    if (src.length != srcWidth * srcHeight || dst.length != dstWidth * dstHeight) {
      throw new IllegalArgumentException(
          "expected src " + srcWidth * srcHeight + " and dst " + dstWidth * dstHeight
              + " floats, got " + src.length + " and " + dst.length);
    }
    for (int y = 0; y < srcHeight; y++) {
      int srcRow = y * srcWidth;
      int outRow = y * dstWidth;
      for (int x = 0; x < dstWidth; x++) {
        float sum = 0f;
        for (int k = columns.start[x]; k < columns.start[x + 1]; k++) {
          sum += src[srcRow + columns.index[k]] * columns.weight[k];
        }
        rowPass[outRow + x] = sum;
      }
    }
    for (int y = 0; y < dstHeight; y++) {
      int outRow = y * dstWidth;
      int first = rows.start[y];
      int end = rows.start[y + 1];
      for (int x = 0; x < dstWidth; x++) {
        float sum = 0f;
        for (int k = first; k < end; k++) {
          sum += rows.weight[k] * rowPass[rows.index[k] * dstWidth + x];
        }
        dst[outRow + x] = sum;
      }
    }
  }

  /**
   * Which source pixels, with which weights, make each output pixel along one axis: output {@code d}
   * uses entries {@code start[d] .. start[d + 1] - 1}.
   */
  record Axis(int[] start, int[] index, float[] weight) {

    static Axis of(int srcSize, int dstSize) {
      // OpenCV's resize computes the scale as 1 / (dst / src); keep that rounding.
      double scale = 1.0 / ((double) dstSize / srcSize);
      int[] start = new int[dstSize + 1];
      int[] index = new int[2 * srcSize + 2 * dstSize];
      float[] weight = new float[index.length];
      int k = 0;
      for (int d = 0; d < dstSize; d++) {
        start[d] = k;
        double from = d * scale;
        double to = from + scale;
        double cellWidth = Math.min(scale, srcSize - from);
        int whole1 = (int) Math.ceil(from);
        int whole2 = Math.min((int) Math.floor(to), srcSize - 1);
        whole1 = Math.min(whole1, whole2);
        if (whole1 - from > 1e-3) {
          index[k] = whole1 - 1;
          weight[k++] = (float) ((whole1 - from) / cellWidth);
        }
        for (int s = whole1; s < whole2; s++) {
          index[k] = s;
          weight[k++] = (float) (1.0 / cellWidth);
        }
        if (to - whole2 > 1e-3) {
          index[k] = whole2;
          weight[k++] = (float) (Math.min(Math.min(to - whole2, 1.0), cellWidth) / cellWidth);
        }
      }
      start[dstSize] = k;
      return new Axis(start, Arrays.copyOf(index, k), Arrays.copyOf(weight, k));
    }
  }
}
