package org.agentkanban.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskIdsTest {

  @Test
  void newIdsAreTPlusTenCrockfordCharacters() {
    for (int i = 0; i < 1000; i++) {
      String id = TaskIds.next();
      assertThat(id).hasSize(12).startsWith("t_").matches("t_[0-9abcdefghjkmnpqrstvwxyz]{10}");
      assertThat(TaskIds.looksLikeId(id)).isTrue();
    }
  }

  @Test
  void newIdsDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      assertThat(seen.add(TaskIds.next())).isTrue();
    }
  }

  @Test
  void shorterHexIdsOfTheReferenceSystemAreAccepted() {
    assertThat(TaskIds.require("t_1a2b")).isEqualTo("t_1a2b");
  }

  @Test
  void anythingElseIsNotATaskId() {
    for (String bad : new String[] {null, "", "t_", "t_abc", "T_abcd1234", "t_ABCD1234", "x_abcd1234", "t_abcd/../x",
        "../t_abcd1234", "t_abcd1234\n", "t_" + "a".repeat(33)}) {
      assertThat(TaskIds.looksLikeId(bad)).as(String.valueOf(bad)).isFalse();
    }
    assertThatThrownBy(() -> TaskIds.require("../etc"))
        .isInstanceOfSatisfying(KanbanException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT))
        .hasMessage("'../etc' is not a task id (expected t_ followed by letters and digits)");
  }
}
