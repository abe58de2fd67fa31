/** Animated GIF recordings of game frames, written with the JDK's own GIF encoder. */
package a3c.gif;
