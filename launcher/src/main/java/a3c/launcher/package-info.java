/** The launcher: the reference's command line, one parameter server and N workers as supervised JVMs. */
package a3c.launcher;
