/** CartPole-v1 with Gym's exact dynamics, in plain Java. */
package a3c.env.cartpole;
