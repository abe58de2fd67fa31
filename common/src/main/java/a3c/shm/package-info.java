/** Shared-memory files through which workers on the parameter server's own host skip copying tensors over the socket. */
package a3c.shm;
