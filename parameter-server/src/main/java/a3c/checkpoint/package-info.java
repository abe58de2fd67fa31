/** Checkpoint files: atomic, checksummed, rotated; and their conversion to and from the server's state. */
package a3c.checkpoint;
