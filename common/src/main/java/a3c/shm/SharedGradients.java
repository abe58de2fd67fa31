package a3c.shm;

import a3c.input.Quote;
import a3c.input.WorkerIds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One worker's gradients in a memory-mapped file: the worker writes them, then names the file in
 * its push; the server reads them while answering. The worker waits for the reply before writing
 * again, so the two never overlap.
 */
public final class SharedGradients implements AutoCloseable {
  private static final String PREFIX = "gradients-";
  private static final String SUFFIX = ".a3cshm";

  private final FileChannel channel;
  private final MappedByteBuffer map;
  private final String name;

  private SharedGradients(FileChannel channel, MappedByteBuffer map, String name) {
    this.channel = channel;
    this.map = map;
    this.name = name;
    map.order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The file name for a worker, or an exception when the id has characters a file name must not. */
  public static String fileName(String workerId) {
    return PREFIX + WorkerIds.require(workerId) + SUFFIX;
  }

  /**
   * Creates the worker's file for {@code floats} gradient values.
   *
   * @throws IOException also when the folder has no room for the file, which is then not left there
   */
  public static SharedGradients create(Path folder, String workerId, int floats) throws IOException {
    String name = fileName(workerId);
    Files.createDirectories(folder);
    Path file = folder.resolve(name);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    long size = (long) floats * Float.BYTES;
    FileRoom.take(channel, file, size);
    return new SharedGradients(channel, channel.map(FileChannel.MapMode.READ_WRITE, 0, size), name);
  }

  /**
   * Opens a file a worker named in its push.
   *
   * @throws IllegalArgumentException when the name is not a gradients file name or the size is wrong
   */
  public static SharedGradients open(Path folder, String name, int floats) throws IOException {
    if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)
        || !WorkerIds.valid(name.substring(PREFIX.length(), name.length() - SUFFIX.length()))) {
      throw new IllegalArgumentException(Quote.of(name) + " is not a shared gradients file name");
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(folder.resolve(name), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      // The exception's message is the absolute path: a client has no business learning the server's folders.
      throw new IllegalArgumentException("no shared gradients file " + name + " in the server's shared-memory folder");
    }
    long size = channel.size();
    if (size != (long) floats * Float.BYTES) {
      channel.close();
      throw new IllegalArgumentException("shared gradients file " + name + " holds " + size + " bytes, the model needs "
          + (long) floats * Float.BYTES);
    }
    return new SharedGradients(channel, channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()), name);
  }

  public String name() {
    return name;
  }

  /**
   * The file as consecutive tensors of {@code sizes} floats: writable little-endian views of the
   * mapping, for a producer that writes gradients in place instead of calling {@link #write}.
   */
  public List<ByteBuffer> tensors(int[] sizes) {
    long total = 0;
    for (int size : sizes) {
      total += size;
    }
    if (total * Float.BYTES != map.capacity()) {
      throw new IllegalArgumentException("tensors of " + total + " floats in all do not fill the file's "
          + map.capacity() / Float.BYTES);
    }
    List<ByteBuffer> views = new ArrayList<>(sizes.length);
    int offset = 0;
    for (int size : sizes) {
      views.add(map.slice(offset, size * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN));
      offset += size * Float.BYTES;
    }
    return views;
  }

  /** Writes the tensors (little-endian float32 bytes) one after another. */
  public void write(List<ByteBuffer> tensors) {
    ByteBuffer out = map.duplicate().clear();
    for (ByteBuffer tensor : tensors) {
      out.put(tensor.duplicate().clear());
    }
  }

  /**
   * A read-only little-endian view of all values, once the file is checked to still hold them.
   * Reading a mapped page that a truncation removed raises SIGBUS, which the JVM turns into an
   * InternalError, so a file that shrank since it was mapped is refused instead.
   *
   * @throws IllegalArgumentException when the file is now shorter than its mapping
   */
  public ByteBuffer values() {
    long size;
    try {
      size = channel.size();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the size of shared gradients file " + name + ": " + e.getMessage());
    }
    if (size < map.capacity()) {
      throw new IllegalArgumentException("shared gradients file " + name + " holds " + size + " bytes, fewer than the "
          + map.capacity() + " it held when the server mapped it");
    }
    return map.asReadOnlyBuffer().clear().order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
