/** A worker host's relay: the one gRPC connection to the parameter server, shared through memory with the host's workers. */
package a3c.relay;
