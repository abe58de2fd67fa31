package a3c.env.atari;

/** An Atari ROM file is in none of the places searched; the message names them all. */
public final class RomNotFoundException extends RuntimeException {

  RomNotFoundException(String message) {
    super(message);
  }
}
