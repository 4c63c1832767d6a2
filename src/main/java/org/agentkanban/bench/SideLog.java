package org.agentkanban.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A torture writer's record of its acknowledged writes: one line per write, appended with
 * {@code O_APPEND} in a single {@code write(2)} before the writer's next write begins. A SIGKILL
 * cannot lose a line that was written (it is in the kernel's page cache), and can at most cut the
 * last line short, which the reader ignores.
 */
final class SideLog implements AutoCloseable {
  private final FileChannel channel;

  SideLog(Path file) {
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the side log " + file, e);
    }
  }

  void append(String line) {
    ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the side log", e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing was buffered: every line is already written
    }
  }
}
