/** Child JVMs: starting them, prefixing their output, restarting them with backoff, and never leaving one behind. */
package a3c.supervise;
