package org.agentkanban.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady stream of small shell tasks ({@code exit 0}) created through a gateway's API on some
 * boards, as clients would: remembers which creations were acknowledged (HTTP 201) and how many
 * were refused, so a drill can tell lost writes from refused ones.
 */
final class Trickle {
  private static final long PAUSE_MS = 200;
  private final long pauseMs;

  private final ServedDrillHome gateway;
  private final List<String> boards;
  private final String padding;
  private final Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();
  private final Map<String, String> lastRefusal = new ConcurrentHashMap<>();
  private volatile boolean running = true;
  private Thread thread;

  /** @param paddingChars extra body text per task, to make the WAL grow faster */
  Trickle(ServedDrillHome gateway, List<String> boards, int paddingChars) {
    this(gateway, boards, paddingChars, PAUSE_MS);
  }

  /** @param pauseMs pause after each round of one task per board */
  Trickle(ServedDrillHome gateway, List<String> boards, int paddingChars, long pauseMs) {
    this.pauseMs = pauseMs;
    this.gateway = gateway;
    this.boards = List.copyOf(boards);
    this.padding = paddingChars == 0 ? "" : "# " + "x".repeat(paddingChars) + "\n";
    for (String b : boards) {
      acknowledged.put(b, Collections.synchronizedList(new ArrayList<>()));
      refused.put(b, new AtomicInteger());
    }
  }

  void start() {
    thread = new Thread(this::loop, "drill-trickle");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    int n = 0;
    while (running) {
      for (String b : boards) {
        try {
          ServedDrillHome.Reply r = gateway.post("/api/v1/boards/" + b + "/tasks",
              Map.of("title", "trickle " + n, "assignee", "sh", "body", padding + "exit 0"));
          if (r.status() == 201) {
            acknowledged.get(b).add(r.json().path("task").path("id").asText());
          } else {
            refused.get(b).incrementAndGet();
            lastRefusal.put(b, "HTTP " + r.status() + " " + r.body());
          }
        } catch (Exception e) {
          refused.get(b).incrementAndGet();
          lastRefusal.put(b, e.toString());
        }
      }
      n++;
      try {
        Thread.sleep(pauseMs);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Waits until a creation on the board is refused. */
  boolean awaitRefusal(String board, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (refused.get(board).get() == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    return refused.get(board).get() > 0;
  }

  void stop() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.join(60_000);
    }
  }

  List<String> acknowledged(String board) {
    synchronized (acknowledged.get(board)) {
      return List.copyOf(acknowledged.get(board));
    }
  }

  int refused(String board) {
    return refused.get(board).get();
  }

  String lastRefusal(String board) {
    return lastRefusal.get(board);
  }
}
