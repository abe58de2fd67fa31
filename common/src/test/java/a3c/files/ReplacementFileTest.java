package a3c.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplacementFileTest {

  @TempDir Path folder;

  @Test
  void beside_isAnEmptyHiddenFileInTheTargetsFolder_withTheTargetsDefaultPermissions() throws Exception {
    Path target = folder.resolve("scores.png");
    Path replacement = ReplacementFile.beside(target);
    assertEquals(folder, replacement.getParent());
    assertTrue(replacement.getFileName().toString().startsWith(".scores.png."), replacement.toString());
    assertEquals(0, Files.size(replacement));
    // Files.createFile uses open(2)'s default 0666 less the umask, whatever the umask is here.
    Path direct = Files.createFile(folder.resolve("direct.png"));
    assertEquals(Files.getPosixFilePermissions(direct), Files.getPosixFilePermissions(replacement));
  }
}
