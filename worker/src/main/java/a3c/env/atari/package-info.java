/** Atari games through the Arcade Learning Environment, with the reference's frame preprocessing. */
package a3c.env.atari;
