/**
 * Actor-critic networks on two engines behind {@link a3c.model.ActorCritic}: {@code java}, hand-written
 * plain-Java passes that never load libtorch, and {@code djl}, DJL blocks trained by libtorch's autograd
 * for any network a user defines; weights live in flat little-endian buffers for the wire on both.
 */
package a3c.model;
