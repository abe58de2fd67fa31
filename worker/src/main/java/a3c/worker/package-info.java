/** The worker process: its loop in the paper's order, its connection to the parameter server, its command line. */
package a3c.worker;
