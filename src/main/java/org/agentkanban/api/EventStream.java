package org.agentkanban.api;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.wire.EventJson;
import org.agentkanban.wire.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-sent events: each open stream has a cursor (an event id); one poller thread reads each
 * board's new events once per pass and sends every stream what lies past its cursor, as {@code id:}
 * = event id, {@code event:} = kind, {@code data:} = the event JSON. A client reconnecting with
 * {@code Last-Event-ID} resumes exactly after the last event it got.
 *
 * <p>An idle stream costs no thread: the request is held asynchronously and only the poller
 * touches it. A comment line every {@link #PING_MS} finds clients that went away without closing,
 * since a write to a dead connection fails and closes the stream.
 */
final class EventStream {
  /** A few passes a second: new events reach a dashboard within a quarter second. */
  static final long POLL_MS = 250;
  /** Proxies commonly drop connections idle for a minute; a ping well inside that keeps them open. */
  static final long PING_MS = 15_000;
  /** Events per board per pass; a client far behind catches up over a few passes. */
  static final int BATCH = 500;

  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

  private final ApiContext context;
  private final List<Stream> streams = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService poller;
  private long lastPing = System.nanoTime();

  EventStream(ApiContext context) {
    this.context = context;
  }

  /** One open stream: its board and the id of the last event it was sent. Touched only by the poller. */
  private static final class Stream {
    final String board;
    final SseClient client;
    long cursor;

    Stream(String board, SseClient client, long cursor) {
      this.board = board;
      this.client = client;
      this.cursor = cursor;
    }
  }

  synchronized void start() {
    if (poller != null) {
      return;
    }
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kanban-sse-poller");
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(this::runOnce, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
  }

  synchronized void stop() {
    if (poller == null) {
      return;
    }
    poller.shutdownNow();
    try {
      poller.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    poller = null;
    for (Stream s : streams) {
      s.client.close();
    }
    streams.clear();
  }

  /** Holds the request open as a stream of the board's events after {@code cursor}. */
  void open(Context ctx, String board, long cursor) throws Exception {
    new SseHandler(client -> {
      Stream s = new Stream(board, client, cursor);
      client.onClose(() -> streams.remove(s));
      streams.add(s);
      client.keepAlive();
    }).handle(ctx);
  }

  int openStreams() {
    return streams.size();
  }

  /** One pass: every board with a stream is read once, from the smallest cursor among its streams. */
  void runOnce() {
    try {
      Map<String, List<Stream>> byBoard = new LinkedHashMap<>();
      for (Stream s : streams) {
        byBoard.computeIfAbsent(s.board, b -> new ArrayList<>()).add(s);
      }
      byBoard.forEach((board, list) -> {
        try {
          feed(board, list);
        } catch (RuntimeException e) {
          LOG.warn("event stream of board '{}' failed this pass; the next pass retries", board, e);
        }
      });
      if (System.nanoTime() - lastPing > TimeUnit.MILLISECONDS.toNanos(PING_MS)) {
        lastPing = System.nanoTime();
        streams.forEach(s -> s.client.sendComment("ping"));
      }
    } catch (RuntimeException e) {
      LOG.warn("event stream pass failed; the next pass retries", e);
    }
  }

  private void feed(String board, List<Stream> list) {
    long from = list.stream().mapToLong(s -> s.cursor).min().orElse(0);
    List<Event> events;
    try {
      events = context.board(board).events(from, null, BATCH);
    } catch (KanbanException e) {
      if (e.kind() == ErrorKind.NOT_FOUND) {
        list.forEach(s -> s.client.close()); // the board was removed: end its streams
      }
      return; // unavailable: the streams wait and resume when the board is back
    }
    for (Event e : events) {
      String data = Json.write(EventJson.of(e));
      for (Stream s : list) {
        if (e.id() > s.cursor && !s.client.terminated()) {
          s.client.sendEvent(e.kind().wire(), data, Long.toString(e.id()));
          s.cursor = e.id();
        }
      }
    }
  }
}
