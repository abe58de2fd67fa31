/**
 * The launcher: the reference's command line, one parameter server and N workers as supervised
 * JVMs; with {@code --ps}, a worker host of N workers behind one relay.
 */
package a3c.launcher;
