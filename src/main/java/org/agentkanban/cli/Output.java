package org.agentkanban.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.agentkanban.wire.Json;

/** Where a command's result goes: text for people, or one JSON document with {@code --json}. */
final class Output {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  final boolean json;
  final PrintStream out;
  private final ZoneId zone;

  Output(boolean json, PrintStream out, ZoneId zone) {
    this.json = json;
    this.out = out;
    this.zone = zone;
  }

  void document(Object value) {
    out.println(Json.pretty(value));
  }

  void line(String text) {
    out.println(text);
  }

  String time(Long epochMs) {
    return epochMs == null ? "-" : TIME.format(Instant.ofEpochMilli(epochMs).atZone(zone));
  }
}
