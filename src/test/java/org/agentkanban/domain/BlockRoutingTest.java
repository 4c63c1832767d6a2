package org.agentkanban.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.agentkanban.domain.BlockRouting.Route;
import org.junit.jupiter.api.Test;

class BlockRoutingTest {

  @Test
  void aFirstBlockCountsOnceAndIsNoLoop() {
    assertThat(BlockRouting.route(null, 0, BlockKind.NEEDS_INPUT))
        .isEqualTo(new Route(BlockKind.NEEDS_INPUT, 1, false));
  }

  @Test
  void theSameKindTwiceInARowIsALoop() {
    Route first = BlockRouting.route(null, 0, BlockKind.CAPABILITY);
    Route second = BlockRouting.route(first.kind(), first.recurrences(), BlockKind.CAPABILITY);

    assertThat(second).isEqualTo(new Route(BlockKind.CAPABILITY, 2, true));
    assertThat(BlockRouting.RECURRENCE_LIMIT).isEqualTo(2);
  }

  @Test
  void twoGenericBlocksInARowAreALoopToo() {
    Route first = BlockRouting.route(null, 0, null);
    assertThat(first).isEqualTo(new Route(null, 1, false));

    assertThat(BlockRouting.route(first.kind(), first.recurrences(), null)).isEqualTo(new Route(null, 2, true));
  }

  @Test
  void aDifferentKindRestartsTheCount() {
    assertThat(BlockRouting.route(BlockKind.NEEDS_INPUT, 1, BlockKind.TRANSIENT))
        .isEqualTo(new Route(BlockKind.TRANSIENT, 1, false));
    assertThat(BlockRouting.route(BlockKind.NEEDS_INPUT, 1, null)).isEqualTo(new Route(null, 1, false));
  }

  @Test
  void transientBlocksStillCount() {
    assertThat(BlockRouting.route(BlockKind.TRANSIENT, 1, BlockKind.TRANSIENT).loop()).isTrue();
  }

  @Test
  void aDependencyBlockIsNeverCountedAndKeepsTheStoredKind() {
    assertThat(BlockRouting.route(BlockKind.NEEDS_INPUT, 1, BlockKind.DEPENDENCY))
        .isEqualTo(new Route(BlockKind.NEEDS_INPUT, 1, false));
    assertThat(BlockRouting.route(BlockKind.DEPENDENCY, 5, BlockKind.DEPENDENCY).loop()).isFalse();
  }

  @Test
  void aDependencyBlockInBetweenDoesNotBreakALoop() {
    Route first = BlockRouting.route(null, 0, BlockKind.NEEDS_INPUT);
    Route dep = BlockRouting.route(first.kind(), first.recurrences(), BlockKind.DEPENDENCY);
    Route again = BlockRouting.route(dep.kind(), dep.recurrences(), BlockKind.NEEDS_INPUT);

    assertThat(again.loop()).isTrue();
  }

  @Test
  void blockKindsParseFromTheirWireNamesWithDashesOrUnderscores() {
    assertThat(BlockKind.parse("needs-input")).isEqualTo(BlockKind.NEEDS_INPUT);
    assertThat(BlockKind.parse(" Needs_Input ")).isEqualTo(BlockKind.NEEDS_INPUT);
    assertThat(BlockKind.parse("")).isNull();
    assertThat(BlockKind.parse(null)).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BlockKind.parse("urgent"))
        .isInstanceOf(KanbanException.class)
        .hasMessageContaining("dependency, needs_input, capability, transient");
  }
}
