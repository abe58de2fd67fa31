/** The options each kind of a3c-java JVM starts with, declared once for the Java side and the scripts. */
package a3c.jvm;
