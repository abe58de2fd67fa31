/** The ParameterServer gRPC service: method descriptors, service binding and client stubs. */
package a3c.rpc;
