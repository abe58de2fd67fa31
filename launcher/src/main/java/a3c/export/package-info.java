/** {@code scripts/export}: a checkpoint's weights as a safetensors file that the PyTorch original loads. */
package a3c.export;
