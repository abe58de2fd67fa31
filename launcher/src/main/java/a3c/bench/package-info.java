/**
 * Benchmarks that print figures: a worker's throughput and where its time goes, CartPole
 * time-to-solve, and the window of a running training that {@code scripts/bench-hosts} measures.
 */
package a3c.bench;
