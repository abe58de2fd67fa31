/** Benchmarks that print figures: a worker's throughput and where its time goes, and CartPole time-to-solve. */
package a3c.bench;
