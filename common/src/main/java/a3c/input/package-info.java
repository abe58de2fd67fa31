/** Values that come from outside a process: what a worker id may be, and how a refusal quotes what it refuses. */
package a3c.input;
