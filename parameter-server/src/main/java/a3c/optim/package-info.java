/** The shared optimizers (Adam and RMSprop as in the reference), on flat float arrays. */
package a3c.optim;
