/**
 * The worker process: its loop in the paper's order ({@link a3c.worker.Worker}), its session with
 * the parameter server over gRPC or shared memory ({@link a3c.worker.ServerSession}), its command line.
 */
package a3c.worker;
