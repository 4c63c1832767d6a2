package org.agentkanban.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimeSpecTest {
  private static final long NOW = 1_790_000_000_000L;
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void relativeTimesCountFromNow() {
    assertThat(TimeSpec.parse("+30m", NOW, BERLIN)).isEqualTo(NOW + 30 * 60_000L);
    assertThat(TimeSpec.parse("in 2h", NOW, BERLIN)).isEqualTo(NOW + 2 * 3_600_000L);
    assertThat(TimeSpec.parse("  +90s ", NOW, BERLIN)).isEqualTo(NOW + 90_000L);
  }

  @Test
  void epochMillisecondsAreTakenAsThey() {
    assertThat(TimeSpec.parse("1790000123456", NOW, BERLIN)).isEqualTo(1_790_000_123_456L);
  }

  @Test
  void instantsAndOffsetsAreAbsolute() {
    assertThat(TimeSpec.parse("2026-12-01T09:00:00Z", NOW, BERLIN))
        .isEqualTo(Instant.parse("2026-12-01T09:00:00Z").toEpochMilli());
    assertThat(TimeSpec.parse("2026-12-01T09:00:00+02:00", NOW, BERLIN))
        .isEqualTo(Instant.parse("2026-12-01T07:00:00Z").toEpochMilli());
  }

  @Test
  void localTimesAndDatesUseTheGivenZone() {
    assertThat(TimeSpec.parse("2026-12-01T09:00", NOW, BERLIN))
        .isEqualTo(LocalDateTime.parse("2026-12-01T09:00").atZone(BERLIN).toInstant().toEpochMilli());
    assertThat(TimeSpec.parse("2026-12-01", NOW, BERLIN))
        .isEqualTo(LocalDate.parse("2026-12-01").atStartOfDay(BERLIN).toInstant().toEpochMilli());
    assertThat(TimeSpec.parse("2026-12-01", NOW, ZoneId.of("UTC")))
        .isNotEqualTo(TimeSpec.parse("2026-12-01", NOW, BERLIN));
  }

  @ParameterizedTest(name = "''{0}'' is refused")
  @ValueSource(strings = {"tomorrow", "+", "+abc", "in", "2026-13-01", "12:00", "-30m"})
  void refusesWhatItCannotRead(String text) {
    assertThatThrownBy(() -> TimeSpec.parse(text, NOW, BERLIN))
        .isInstanceOfSatisfying(KanbanException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT));
  }

  @Test
  void aMissingTimeIsRefusedWithExamples() {
    assertThatThrownBy(() -> TimeSpec.parse(" ", NOW, BERLIN)).hasMessageContaining("e.g. +30m");
    assertThatThrownBy(() -> TimeSpec.parse(null, NOW, BERLIN)).isInstanceOf(KanbanException.class);
  }
}
