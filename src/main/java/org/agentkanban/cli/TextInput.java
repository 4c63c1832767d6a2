package org.agentkanban.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.TextRules;

/** Reads text arguments given as files or stdin, bounded so a huge input fails fast and cleanly. */
final class TextInput {
  private TextInput() {}

  /** Reads {@code -} (stdin) or a file, refusing more than {@code maxBytes} or invalid UTF-8. */
  static String read(CliContext ctx, String source, String what, int maxBytes) {
    try {
      byte[] bytes;
      if (source.equals("-")) {
        bytes = readBounded(ctx.in, maxBytes);
      } else {
        Path p = Path.of(source);
        if (!Files.isRegularFile(p)) {
          throw KanbanException.notFound(what + " file not found: " + source);
        }
        if (Files.size(p) > maxBytes) {
          throw KanbanException.invalid(what + " file " + source + " is " + Files.size(p) + " bytes; the limit is " + maxBytes + " bytes");
        }
        try (InputStream in = Files.newInputStream(p)) {
          bytes = readBounded(in, maxBytes);
        }
      }
      if (bytes.length > maxBytes) {
        throw KanbanException.invalid(what + " is larger than the limit of " + maxBytes + " bytes (" + (maxBytes >> 10) + " KiB)");
      }
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw KanbanException.invalid(what + " is not valid UTF-8 text");
    } catch (IOException e) {
      throw KanbanException.invalid("cannot read " + what + " from " + source + ": " + e.getMessage());
    }
  }

  /** Up to maxBytes + 1 bytes: one more than allowed is enough to know it is too much. */
  private static byte[] readBounded(InputStream in, int maxBytes) throws IOException {
    return in.readNBytes(maxBytes + 1);
  }

  static String body(CliContext ctx, String inline, String file) {
    if (inline != null && file != null) {
      throw KanbanException.invalid("give the body with --body or --body-file, not both");
    }
    if (file != null) {
      return read(ctx, file, "body", TextRules.BODY_MAX_BYTES);
    }
    return inline;
  }
}
