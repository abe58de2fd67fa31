package a3c.env.atari;

/**
 * Downscales a single-channel float image the way OpenCV's {@code cv2.resize(..., INTER_AREA)} does.
 *
 * <p>Each output pixel is the area-weighted average of the source pixels its cell covers. The
 * per-axis weight tables are built once, with OpenCV's {@code computeResizeAreaTab} rules
 * (including its 1e-3 threshold for partial cells and its double-precision cell bounds), so a
 * resize is two separable passes over primitive arrays: along rows first, then down columns, each
 * summed in float in OpenCV's order. Every output pixel gets the same number of taps; shorter
 * ones are padded at the end with weight 0, which adds an exact +0 and so leaves the sums as
 * OpenCV's, while the inner loops lose their variable bounds.
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
  /** Source rows already averaged along each row: srcHeight x dstWidth, filled only where needed. */
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
    resizeRows(src, 0, dstHeight, dst);
  }

  /**
   * Computes only output rows {@code firstRow .. firstRow + rowCount - 1} into {@code dst} (rowCount
   * rows of dstWidth), reading only source rows {@link #firstSourceRow} to {@link #endSourceRow}.
   */
  void resizeRows(float[] src, int firstRow, int rowCount, float[] dst) {
    if (src.length != srcWidth * srcHeight || dst.length != dstWidth * rowCount
        || firstRow < 0 || rowCount < 1 || firstRow + rowCount > dstHeight) {
      throw new IllegalArgumentException(
          "cannot resize rows " + firstRow + ".." + (firstRow + rowCount - 1) + " of " + dstHeight
              + " from " + src.length + " floats (expected " + srcWidth * srcHeight + ") into "
              + dst.length + " floats (expected " + dstWidth * rowCount + ")");
    }
    int sourceEnd = endSourceRow(firstRow + rowCount);
    int[] columnIndex = columns.index;
    float[] columnWeight = columns.weight;
    int columnTaps = columns.taps;
    for (int y = firstSourceRow(firstRow); y < sourceEnd; y++) {
      int srcRow = y * srcWidth;
      int outRow = y * dstWidth;
      if (columnTaps == 3) {
        // The Atari case (cells 1.9 pixels wide), unrolled: the sum is ((0 + p0) + p1) + p2 as in the loop.
        for (int x = 0, k = 0; x < dstWidth; x++, k += 3) {
          rowPass[outRow + x] = src[srcRow + columnIndex[k]] * columnWeight[k]
              + src[srcRow + columnIndex[k + 1]] * columnWeight[k + 1]
              + src[srcRow + columnIndex[k + 2]] * columnWeight[k + 2];
        }
        continue;
      }
      for (int x = 0, k = 0; x < dstWidth; x++) {
        float sum = 0f;
        for (int tap = 0; tap < columnTaps; tap++, k++) {
          sum += src[srcRow + columnIndex[k]] * columnWeight[k];
        }
        rowPass[outRow + x] = sum;
      }
    }
    for (int y = 0; y < rowCount; y++) {
      int outRow = y * dstWidth;
      int k = (firstRow + y) * rows.taps;
      // Whole rows at a time, so the loop over x vectorizes; each pixel still sums its taps in order.
      float weight = rows.weight[k];
      int from = rows.index[k] * dstWidth;
      for (int x = 0; x < dstWidth; x++) {
        dst[outRow + x] = weight * rowPass[from + x];
      }
      for (int tap = 1; tap < rows.taps; tap++) {
        weight = rows.weight[k + tap];
        from = rows.index[k + tap] * dstWidth;
        for (int x = 0; x < dstWidth; x++) {
          dst[outRow + x] += weight * rowPass[from + x];
        }
      }
    }
  }

  /** The first source row that output rows from {@code firstRow} on read. */
  int firstSourceRow(int firstRow) {
    return rows.index[firstRow * rows.taps];
  }

  /** One past the last source row that output rows before {@code endRow} read. */
  int endSourceRow(int endRow) {
    return rows.index[endRow * rows.taps - 1] + 1;
  }

  /**
   * Which source pixels, with which weights, make each output pixel along one axis: output {@code d}
   * uses entries {@code d * taps .. d * taps + taps - 1}, in OpenCV's order, zero-weight padding last.
   */
  record Axis(int taps, int[] index, float[] weight) {

    static Axis of(int srcSize, int dstSize) {
      // OpenCV's resize computes the scale as 1 / (dst / src); keep that rounding.
      double scale = 1.0 / ((double) dstSize / srcSize);
      int maxTaps = (int) Math.ceil(scale) + 2;
      int[][] indices = new int[dstSize][maxTaps];
      float[][] weights = new float[dstSize][maxTaps];
      int[] counts = new int[dstSize];
      int taps = 0;
      for (int d = 0; d < dstSize; d++) {
        double from = d * scale;
        double to = from + scale;
        double cellWidth = Math.min(scale, srcSize - from);
        int whole1 = (int) Math.ceil(from);
        int whole2 = Math.min((int) Math.floor(to), srcSize - 1);
        whole1 = Math.min(whole1, whole2);
        int k = 0;
        if (whole1 - from > 1e-3) {
          indices[d][k] = whole1 - 1;
          weights[d][k++] = (float) ((whole1 - from) / cellWidth);
        }
        for (int s = whole1; s < whole2; s++) {
          indices[d][k] = s;
          weights[d][k++] = (float) (1.0 / cellWidth);
        }
        if (to - whole2 > 1e-3) {
          indices[d][k] = whole2;
          weights[d][k++] = (float) (Math.min(Math.min(to - whole2, 1.0), cellWidth) / cellWidth);
        }
        counts[d] = k;
        taps = Math.max(taps, k);
      }
      int[] index = new int[dstSize * taps];
      float[] weight = new float[dstSize * taps];
      for (int d = 0; d < dstSize; d++) {
        for (int t = 0; t < taps; t++) {
          boolean real = t < counts[d];
          // Padding repeats the last real index, so it reads nothing outside the cell's own pixels.
          index[d * taps + t] = indices[d][real ? t : counts[d] - 1];
          weight[d * taps + t] = real ? weights[d][t] : 0f;
        }
      }
      return new Axis(taps, index, weight);
    }
  }
}
