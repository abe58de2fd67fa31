/** The environments a worker acts in, behind one {@link a3c.env.Environment} contract: CartPole-v1 and Atari games. */
package a3c.env;
