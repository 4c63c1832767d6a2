package org.agentkanban.service;

import static org.agentkanban.domain.EventKind.ATTACHED;
import static org.agentkanban.domain.EventKind.ATTACHMENT_REMOVED;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.agentkanban.domain.Attachment;
import org.agentkanban.domain.ErrorKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AttachmentTest extends BoardTestBase {
  private static final long CAP = 64;

  private String id;
  private Path source;

  @Override
  ServiceSettings settings() {
    return new ServiceSettings(2, CAP);
  }

  @BeforeEach
  void aTaskAndAFile() throws IOException {
    id = create("t");
    source = Files.writeString(dir.resolve("report.txt"), "all green", StandardCharsets.UTF_8);
    forgetEvents();
  }

  private Path storeDir() {
    return home.boards.home().attachmentsDir("default").resolve(id);
  }

  /** Every file under the task's attachment directory, temporary ones included. */
  private List<Path> storedFiles() throws IOException {
    if (!Files.isDirectory(storeDir())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(storeDir())) {
      return files.toList();
    }
  }

  @Test
  void attachingCopiesTheFileAndRecordsIt() throws Exception {
    Attachment a = board.attach(id, source, null, null, ALICE);

    assertThat(a.filename()).isEqualTo("report.txt");
    assertThat(a.contentType()).isEqualTo("text/plain");
    assertThat(a.size()).isEqualTo(9);
    assertThat(a.sha256()).isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest("all green".getBytes(StandardCharsets.UTF_8))));
    assertThat(a.uploadedBy()).isEqualTo("alice");
    Path stored = storeDir().resolve(a.storedName());
    assertThat(stored).hasContent("all green");
    assertThat(storedFiles()).containsExactly(stored);
    assertThat(board.attachments(id)).containsExactly(a);
    assertThat(newEvents()).containsExactly(ATTACHED);
  }

  @Test
  void aGivenNameAndContentTypeAreKept() {
    Attachment a = board.attach(id, source, "summary.md", "text/markdown; charset=utf-8", ALICE);

    assertThat(a.filename()).isEqualTo("summary.md");
    assertThat(a.contentType()).isEqualTo("text/markdown; charset=utf-8");
  }

  @ParameterizedTest(name = "''{0}'' is refused")
  @ValueSource(strings = {"../x", "../../etc/passwd", "a/b", "a\\b", "..", ".", ".hidden", "bell\u0007.txt",
      "new\nline.txt", " "})
  void unsafeNamesAreRefusedAndNothingIsStored(String name) throws IOException {
    refused(ErrorKind.INVALID_INPUT, () -> board.attach(id, source, name, null, ALICE));

    assertThat(board.attachments(id)).isEmpty();
    assertThat(storedFiles()).isEmpty();
    assertThat(Files.exists(dir.resolve("x"))).isFalse();
  }

  @Test
  void aFileStartingWithADotNeedsAName() throws IOException {
    Path env = Files.writeString(dir.resolve(".env"), "A=1");

    var e = refused(ErrorKind.INVALID_INPUT, () -> board.attach(id, env, null, null, ALICE));

    assertThat(e.getMessage()).contains("must not start with '.'; pass --name");
    assertThat(board.attach(id, env, "env.txt", null, ALICE).filename()).isEqualTo("env.txt");
  }

  @Test
  void aSymbolicLinkIsRefusedAsInvalidInputNotAsAnUnavailableBoard() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("link.txt"), source);

    var e = refused(ErrorKind.INVALID_INPUT, () -> board.attach(id, link, null, null, ALICE));

    assertThat(e.getMessage()).contains("symbolic link");
    assertThat(storedFiles()).isEmpty();
  }

  @Test
  void aBadContentTypeIsRefused() {
    refused(ErrorKind.INVALID_INPUT, () -> board.attach(id, source, null, "not a type", ALICE));
  }

  @Test
  void nameCollisionsGetANumber() throws IOException {
    Path readme = Files.writeString(dir.resolve("README"), "r");

    List<String> names = Stream.of(source, source, source, readme, readme)
        .map(f -> board.attach(id, f, null, null, ALICE).filename()).toList();

    assertThat(names).containsExactly("report.txt", "report (1).txt", "report (2).txt", "README", "README (1)");
    assertThat(storedFiles()).hasSize(5);
  }

  @Test
  void theSameNameOnAnotherTaskIsNoCollision() {
    String other = create("other");
    board.attach(id, source, null, null, ALICE);

    assertThat(board.attach(other, source, null, null, ALICE).filename()).isEqualTo("report.txt");
  }

  @Test
  void filesOverTheCapAreRefused() throws IOException {
    Path exact = Files.write(dir.resolve("exact.bin"), new byte[(int) CAP]);
    Path over = Files.write(dir.resolve("over.bin"), new byte[(int) CAP + 1]);

    assertThat(board.attach(id, exact, null, null, ALICE).size()).isEqualTo(CAP);
    var e = refused(ErrorKind.INVALID_INPUT, () -> board.attach(id, over, null, null, ALICE));

    assertThat(e.getMessage()).contains("65 bytes; attachments are limited to 64 bytes");
    assertThat(storedFiles()).hasSize(1);
  }

  @Test
  void aMissingFileOrADirectoryIsRefused() {
    refused(ErrorKind.NOT_FOUND, () -> board.attach(id, dir.resolve("nope.txt"), null, null, ALICE));
    refused(ErrorKind.INVALID_INPUT, () -> board.attach(id, dir, "dir.txt", null, ALICE));
  }

  @Test
  void attachingToAnUnknownTaskLeavesNoFileBehind() throws IOException {
    refused(ErrorKind.NOT_FOUND, () -> board.attach("t_nosuchtask0", source, null, null, ALICE));

    Path unknownDir = home.boards.home().attachmentsDir("default").resolve("t_nosuchtask0");
    assertThat(Files.exists(unknownDir) ? Files.list(unknownDir).count() : 0L).isZero();
  }

  @Test
  void removingAnAttachmentDeletesItsFile() throws IOException {
    Attachment keep = board.attach(id, source, "keep.txt", null, ALICE);
    Attachment drop = board.attach(id, source, "drop.txt", null, ALICE);
    forgetEvents();

    board.attachRemove(drop.id(), ALICE);

    assertThat(board.attachments(id)).containsExactly(keep);
    assertThat(storedFiles()).containsExactly(storeDir().resolve(keep.storedName()));
    assertThat(newEvents()).containsExactly(ATTACHMENT_REMOVED);
  }

  @Test
  void removingAnUnknownAttachmentIsNotFound() {
    refused(ErrorKind.NOT_FOUND, () -> board.attachRemove(12345, ALICE));
  }

  @Test
  void deletingAnArchivedTaskDeletesItsFiles() {
    board.attach(id, source, null, null, ALICE);
    board.archive(id, null, ALICE);

    board.delete(id, ALICE);

    assertThat(storeDir()).doesNotExist();
    assertThat(source).exists();
  }
}
