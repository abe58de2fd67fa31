/** How every a3c-java process connects over gRPC: whole-model message limits, flow control, keepalive, TLS, the token. */
package a3c.net;
