package org.agentkanban.testkit;

import io.micrometer.core.instrument.MeterRegistry;
import org.agentkanban.api.ApiContext;
import org.agentkanban.api.ApiServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.agentkanban.domain.BoardSlug;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.Boards;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.service.RunTokens;

/**
 * What a gateway gives the API, for tests: the boards of a {@link TempHome}, opened on first use
 * and kept open, a Prometheus registry, a settable health, and a real server on a free port.
 */
public final class TestGateway implements ApiContext, AutoCloseable {
  public final TempHome home;
  public final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  public final String adminToken = RunTokens.newToken().replace("kr_", "ka_");
  public final ApiServer server;
  private final Map<String, LocalBoardService> open = new ConcurrentHashMap<>();
  public volatile Health health = new Health("healthy", 1L, "test", List.of());

  public TestGateway(Path dir) {
    this(new TempHome(dir), 1L << 20);
  }

  public TestGateway(TempHome home, long attachmentMaxBytes) {
    this.home = home;
    this.server = new ApiServer(this, new ApiServer.Options("127.0.0.1", 0, adminToken, attachmentMaxBytes)).start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.port();
  }

  /** An HTTP client holding the admin token. */
  public TestHttp admin() {
    return new TestHttp(url()).bearer(adminToken);
  }

  /** An HTTP client without any token. */
  public TestHttp anonymous() {
    return new TestHttp(url());
  }

  public LocalBoardService local(String slug) {
    return (LocalBoardService) board(slug);
  }

  public double requests() {
    return registry.find("kanban.api.requests").timers().stream().mapToDouble(t -> t.count()).sum();
  }

  @Override
  public BoardService board(String slug) {
    BoardSlug.require(slug);
    if (!slug.equals(BoardSlug.DEFAULT) && !home.boards.exists(slug)) {
      throw KanbanException.notFound("board '" + slug + "' does not exist");
    }
    return open.computeIfAbsent(slug, s -> home.boards.open(s, BoardListener.NONE));
  }

  @Override
  public Boards boards() {
    return home.boards;
  }

  @Override
  public org.agentkanban.store.FileBackups.Backup backupBoard(String slug) {
    var files = (org.agentkanban.store.FileBackups) local(slug).store();
    return org.agentkanban.gateway.Backups.take(files, home.boards.target(slug), home.boards.recovery().orElseThrow(), 12,
        home.clock.now());
  }

  @Override
  public List<org.agentkanban.store.BoardRecovery.BackupFile> backups(String slug) {
    return home.boards.recovery().orElseThrow().backups(home.boards.target(slug));
  }

  @Override
  public synchronized RestoredBoard restoreBoard(String slug, String backup) {
    LocalBoardService old = open.remove(slug);
    if (old != null) {
      old.close();
    }
    var r = org.agentkanban.gateway.Backups.restore(home.boards, slug, backup, "test restore", true, false, home.clock);
    return new RestoredBoard(slug, r.backup().toString(), r.backupCreatedAt(), r.lastEventIdKept(),
        r.quarantinedTo() == null ? null : r.quarantinedTo().toString());
  }

  @Override
  public Path removeBoard(String slug, boolean delete) {
    if (BoardSlug.require(slug).equals(BoardSlug.DEFAULT)) {
      return home.boards.remove(slug, delete); // refused, before the board is closed
    }
    LocalBoardService service = open.remove(slug);
    if (service != null) {
      service.close();
    }
    return home.boards.remove(slug, delete);
  }

  @Override
  public Health health() {
    return health;
  }

  @Override
  public MeterRegistry metrics() {
    return registry;
  }

  @Override
  public void close() {
    server.stop();
    open.values().forEach(LocalBoardService::close);
    open.clear();
  }
}
