/** What a run or benchmark ran on, printed beside its figures so that they can be compared. */
package a3c.machine;
