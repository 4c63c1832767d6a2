package org.agentkanban.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextRulesTest {

  @Test
  void titlesAreStrippedAndRequired() {
    assertThat(TextRules.title("  fix the build  ")).isEqualTo("fix the build");
    assertThatThrownBy(() -> TextRules.title("   ")).hasMessage("title is required and must not be blank");
    assertThatThrownBy(() -> TextRules.title(null)).isInstanceOf(KanbanException.class);
  }

  @ParameterizedTest(name = "title with U+{0} is refused")
  @ValueSource(ints = {0x00, 0x07, 0x0a, 0x0d, 0x09, 0x1b, 0x7f, 0x85})
  void titlesWithControlCharactersAreRefused(int c) {
    String title = "a" + (char) c + "b";
    assertThatThrownBy(() -> TextRules.title(title))
        .isInstanceOfSatisfying(KanbanException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT))
        .hasMessage("title must not contain control characters");
  }

  @Test
  void titlesAreLimitedTo500Characters() {
    assertThat(TextRules.title("x".repeat(500))).hasSize(500);
    assertThatThrownBy(() -> TextRules.title("x".repeat(501))).hasMessage("title is 501 characters; the limit is 500");
  }

  @Test
  void bodiesAreLimitedToOneMebibyteCountedInUtf8Bytes() {
    assertThat(TextRules.body(null)).isEmpty();
    assertThat(TextRules.body("a".repeat(TextRules.BODY_MAX_BYTES))).hasSize(TextRules.BODY_MAX_BYTES);
    assertThatThrownBy(() -> TextRules.body("a".repeat(TextRules.BODY_MAX_BYTES + 1)))
        .hasMessageStartingWith("body is 1048577 bytes; the limit is 1048576 bytes (1024 KiB)");
    // 400 Ki characters of 3 bytes each is over 1 MiB though under 1 Mi characters.
    assertThatThrownBy(() -> TextRules.body("€".repeat(400 * 1024))).hasMessageStartingWith("body is 1228800 bytes");
  }

  @Test
  void bodiesKeepNewlinesAndTabsButNotNul() {
    assertThat(TextRules.body("line 1\n\tline 2\r\n")).isEqualTo("line 1\n\tline 2\r\n");
    assertThatThrownBy(() -> TextRules.body("a\0b")).hasMessage("body must not contain NUL characters");
  }

  @Test
  void commentsAreRequiredCappedAndStripped() {
    assertThat(TextRules.comment("  looks good \n")).isEqualTo("looks good");
    assertThatThrownBy(() -> TextRules.comment(" ")).hasMessage("comment text is required");
    assertThatThrownBy(() -> TextRules.comment("x".repeat(64 * 1024 + 1))).hasMessageStartingWith("comment is 65537 bytes");
    assertThatThrownBy(() -> TextRules.comment("a\0")).hasMessageContaining("NUL");
  }

  @Test
  void reasonsAllowNewlinesButNoOtherControlCharacters() {
    assertThat(TextRules.reason(" ")).isNull();
    assertThat(TextRules.reason("waiting on\nthe API key\t")).isEqualTo("waiting on\nthe API key");
    assertThatThrownBy(() -> TextRules.reason("bell\u0007")).hasMessage("reason must not contain control characters");
    assertThatThrownBy(() -> TextRules.reason("r".repeat(4001))).hasMessage("reason is 4001 characters; the limit is 4000");
  }

  @Test
  void summariesAreCappedAt64KiB() {
    assertThat(TextRules.summary(null)).isNull();
    assertThatThrownBy(() -> TextRules.summary("s".repeat(64 * 1024 + 1))).hasMessageStartingWith("summary is");
  }

  @Test
  void namesAreShortSingleLinesAndBlankMeansNone() {
    assertThat(TextRules.name("tenant", "  acme ")).isEqualTo("acme");
    assertThat(TextRules.name("tenant", "")).isNull();
    assertThatThrownBy(() -> TextRules.name("tenant", "a\nb")).hasMessage("tenant must not contain control characters");
    assertThatThrownBy(() -> TextRules.name("tenant", "n".repeat(101))).hasMessage("tenant is longer than 100 characters");
  }

  @Test
  void assigneesAreLowerCasedProfileNames() {
    assertThat(TextRules.assignee("Claude-Code")).isEqualTo("claude-code");
    assertThat(TextRules.assignee("bot_1.v2")).isEqualTo("bot_1.v2");
    assertThat(TextRules.assignee(null)).isNull();
    for (String bad : new String[] {"two words", "-lead", ".hidden", "a/b", "ü"}) {
      assertThatThrownBy(() -> TextRules.assignee(bad)).as(bad).hasMessageContaining("must start with a letter or digit");
    }
  }

  @Test
  void idempotencyKeysArePrintableAndBounded() {
    assertThat(TextRules.idempotencyKey(null)).isNull();
    assertThat(TextRules.idempotencyKey("nightly-2026-12-01")).isEqualTo("nightly-2026-12-01");
    assertThatThrownBy(() -> TextRules.idempotencyKey(" ")).hasMessage("idempotency key must not be blank");
    assertThatThrownBy(() -> TextRules.idempotencyKey("k".repeat(201))).hasMessageContaining("at most 200");
    assertThatThrownBy(() -> TextRules.idempotencyKey("a\tb")).hasMessageContaining("printable");
  }

  @Test
  void prioritiesAndMaxRetriesAreBounded() {
    assertThat(TextRules.priority(-1000)).isEqualTo(-1000);
    assertThat(TextRules.priority(1000)).isEqualTo(1000);
    assertThatThrownBy(() -> TextRules.priority(1001)).hasMessageContaining("between -1000 and 1000");
    assertThat(TextRules.maxRetries(null)).isNull();
    assertThat(TextRules.maxRetries(0)).isZero();
    assertThatThrownBy(() -> TextRules.maxRetries(-1)).hasMessageContaining("between 0 and 100");
    assertThatThrownBy(() -> TextRules.maxRetries(101)).hasMessageContaining("between 0 and 100");
  }

  @Test
  void storedErrorsAreClippedTo500Characters() {
    assertThat(TextRules.clipError(null)).isNull();
    assertThat(TextRules.clipError("e".repeat(500))).hasSize(500);
    String clipped = TextRules.clipError("e".repeat(10_000));
    assertThat(clipped).hasSize(500).endsWith("…");
  }
}
