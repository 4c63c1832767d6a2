package org.agentkanban.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.TextRules;

/**
 * A board's {@code board.yaml}: what people edit about a board. The slug is the directory name and
 * is never read from the file.
 *
 * @param synchronous {@code full} (default) or {@code normal}
 * @param store an external database URL; absent for the embedded SQLite file
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BoardConfig(
    String name, String description, String defaultWorkdir, String synchronous, String store, Long createdAt) {

  static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public BoardConfig {
    if (synchronous != null && !synchronous.equals("full") && !synchronous.equals("normal")) {
      throw KanbanException.invalid("synchronous must be 'full' or 'normal', got '" + synchronous + "'");
    }
    if (defaultWorkdir != null && !Path.of(defaultWorkdir).isAbsolute()) {
      throw KanbanException.invalid("default_workdir must be an absolute path, got '" + defaultWorkdir + "'");
    }
    if (name != null) {
      TextRules.name("board name", name);
    }
  }

  /** FULL or NORMAL as board.yaml says, or null when it says nothing. */
  public Boolean synchronousFull() {
    return synchronous == null ? null : synchronous.equals("full");
  }

  public BoardConfig withName(String newName) {
    return new BoardConfig(newName, description, defaultWorkdir, synchronous, store, createdAt);
  }

  public static BoardConfig read(Path file) {
    if (!Files.exists(file)) {
      return new BoardConfig(null, null, null, null, null, null);
    }
    try {
      BoardConfig c = YAML.readValue(file.toFile(), BoardConfig.class);
      return c == null ? new BoardConfig(null, null, null, null, null, null) : c;
    } catch (UnrecognizedPropertyException e) {
      throw KanbanException.invalid(file + ": unknown key '" + e.getPropertyName()
          + "'; known keys: name, description, default_workdir, synchronous, store, created_at");
    } catch (KanbanException e) {
      throw KanbanException.invalid(file + ": " + e.getMessage());
    } catch (IOException e) {
      throw KanbanException.invalid(file + ": cannot read board settings: " + firstLine(e.getMessage()));
    }
  }

  /** Writes atomically (temp file, then rename) so a crash never leaves half a file. */
  public void write(Path file) {
    Path tmp = null;
    try {
      // A temporary file of its own: processes creating the same board at once must not share one.
      tmp = file.resolveSibling(file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
      YAML.writeValue(tmp.toFile(), this);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw KanbanException.unavailable("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path tmp) {
    if (tmp != null) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort: the write already failed and says so
      }
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
