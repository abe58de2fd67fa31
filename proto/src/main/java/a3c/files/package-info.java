/** Files every a3c-java process writes whole and then moves into place: checkpoints, plots, GIFs. */
package a3c.files;
