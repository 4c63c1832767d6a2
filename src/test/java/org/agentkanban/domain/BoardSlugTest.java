package org.agentkanban.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BoardSlugTest {

  @ParameterizedTest(name = "''{0}'' is a board name")
  @ValueSource(strings = {"default", "a", "0", "team_a-2"})
  void acceptsLowerCaseSlugs(String slug) {
    assertThat(BoardSlug.require(slug)).isEqualTo(slug);
  }

  @ParameterizedTest(name = "''{0}'' is refused")
  @ValueSource(strings = {"", "..", ".", "../x", "a/b", "a\\b", "/etc", "~", ".hidden", "-x", "_x", "Default",
      "a b", "a.b", "ü"})
  void refusesAnythingThatCouldLeaveTheBoardsDirectory(String slug) {
    assertThatThrownBy(() -> BoardSlug.require(slug))
        .isInstanceOfSatisfying(KanbanException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT))
        .hasMessageContaining("use 1-64 characters a-z, 0-9, '_' or '-'");
  }

  @Test
  void slugsAreAtMost64Characters() {
    assertThat(BoardSlug.require("b".repeat(64))).hasSize(64);
    assertThatThrownBy(() -> BoardSlug.require("b".repeat(65))).isInstanceOf(KanbanException.class);
  }

  @Test
  void controlCharactersAreNotEchoedBack() {
    assertThatThrownBy(() -> BoardSlug.require("a\u001b[2Jb"))
        .hasMessageStartingWith("bad board name 'a?[2Jb'");
    assertThatThrownBy(() -> BoardSlug.require(null)).hasMessageStartingWith("bad board name ''");
  }
}
