/** The parameter-server process: the gRPC service, the score history and stopping rule, and its command line. */
package a3c.ps;
