/**
 * Files every a3c-java process writes: whole and then moved into place (checkpoints, plots, GIFs),
 * or grown by whole records that survive a full disk (episodes.csv, TensorBoard events).
 */
package a3c.files;
