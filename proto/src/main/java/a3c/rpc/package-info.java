/** The ParameterServer gRPC service and its codec: method descriptors, marshallers, tensors as bytes, wire dtypes. */
package a3c.rpc;
