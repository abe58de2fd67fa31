/**
 * Actor-critic networks, defined as tensor operations on the DJL PyTorch engine with their weights
 * kept in flat little-endian buffers for the wire; they act in plain Java, and the Atari network
 * learns in plain Java too.
 */
package a3c.model;
