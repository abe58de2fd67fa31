/** Score plots drawn from runs' episodes.csv files, one line per run, like the reference's running-average plot. */
package a3c.plot;
