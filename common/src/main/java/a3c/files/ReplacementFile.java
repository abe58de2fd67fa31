package a3c.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The temporary file a new version of some file is written into before it is moved over the old
 * one, so that a reader sees the old file or the new one, never half of one.
 */
public final class ReplacementFile {
  private ReplacementFile() {}

  /**
   * Creates an empty, hidden file beside {@code target}. On POSIX file systems it is created with
   * rw-rw-rw- less the umask, the permissions {@code target} would get if written directly,
   * rather than the owner-only ones of {@link Files#createTempFile}.
   */
  public static Path beside(Path target) throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    String prefix = "." + target.getFileName() + ".";
    if (folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return Files.createTempFile(folder, prefix, ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-")));
    }
    return Files.createTempFile(folder, prefix, ".tmp");
  }
}
