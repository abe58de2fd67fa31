/** Actor-critic networks on the DJL PyTorch engine, with their weights kept in flat little-endian buffers for the wire. */
package a3c.model;
