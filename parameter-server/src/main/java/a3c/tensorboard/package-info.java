/** TensorBoard event files: scalars written as TFRecord-framed {@code tensorflow.Event} protos. */
package a3c.tensorboard;
