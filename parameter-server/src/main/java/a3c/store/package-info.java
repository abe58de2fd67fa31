/** The global model: named float tensors, their optimizer, and the single writer that updates them. */
package a3c.store;
