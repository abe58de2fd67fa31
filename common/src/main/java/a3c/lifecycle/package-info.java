/** Conventions every a3c-java process follows: it goes away when the launcher that started it does. */
package a3c.lifecycle;
