package org.agentkanban.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({
      "500ms, 500",
      "90s, 90000",
      "30m, 1800000",
      "2h, 7200000",
      "1d, 86400000",
      "5, 5000",
      "' 2h ', 7200000"})
  void parsesEveryUnitAndABareNumberAsSeconds(String text, long ms) {
    assertThat(Durations.parseMillis("timeout", text)).isEqualTo(ms);
  }

  @ParameterizedTest(name = "''{0}'' is refused")
  @ValueSource(strings = {"", "abc", "1.5h", "-1s", "10 s", "2w", "1234567890s", "h"})
  void refusesMalformedDurationsNamingTheField(String text) {
    assertThatThrownBy(() -> Durations.parseMillis("--lease", text))
        .isInstanceOfSatisfying(KanbanException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT))
        .hasMessageStartingWith("--lease: bad duration");
  }

  @Test
  void refusesZeroAndMissingDurations() {
    assertThatThrownBy(() -> Durations.parseMillis("ttl", "0s")).hasMessage("ttl: duration must be greater than zero");
    assertThatThrownBy(() -> Durations.parseMillis("ttl", null)).hasMessageStartingWith("ttl: a duration is required");
  }

  @ParameterizedTest(name = "{0} ms prints as {1}")
  @CsvSource({"86400000, 1d", "7200000, 2h", "5400000, 90m", "90000, 90s", "1500, 1500ms"})
  void formatsWithTheLargestExactUnit(long ms, String text) {
    assertThat(Durations.format(ms)).isEqualTo(text);
    assertThat(Durations.parseMillis("x", text)).isEqualTo(ms);
  }

  @Test
  void agesRoundDownToTheLargestUnit() {
    long now = 10 * 86_400_000L;
    assertThat(Durations.ago(now - 59_999, now)).isEqualTo("just now");
    assertThat(Durations.ago(now - 5 * 60_000L, now)).isEqualTo("5m ago");
    assertThat(Durations.ago(now - 3 * 3_600_000L - 1, now)).isEqualTo("3h ago");
    assertThat(Durations.ago(now - 2 * 86_400_000L, now)).isEqualTo("2d ago");
  }
}
