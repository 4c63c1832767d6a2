package org.agentkanban.api;

import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.PATCH;
import static io.javalin.http.HandlerType.POST;
import static org.agentkanban.api.Access.ADMIN;
import static org.agentkanban.api.Access.OWN_TASK;
import static org.agentkanban.api.Access.PUBLIC;
import static org.agentkanban.api.Access.READ;
import static org.agentkanban.api.Access.WORKER;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.TextRules;
import org.agentkanban.service.ServiceSettings;

/**
 * The gateway's HTTP JSON API under {@code /api/v1}, with the SSE event stream, {@code /metrics}
 * and the OpenAPI description. Every route is listed in {@link #routes}, with who may call it;
 * handlers parse, call one {@link org.agentkanban.service.BoardService} verb and render a
 * {@link org.agentkanban.wire.ResponseJson} document; {@link ApiErrors} turns every failure into a
 * JSON error. {@link #start()} and {@link #stop()} are idempotent.
 */
public final class ApiServer {
  private static final String BOARD = "/api/v1/boards/{board}";
  private static final String TASK = BOARD + "/tasks/{id}";

  /**
   * @param host address to bind (loopback unless the gateway is configured otherwise)
   * @param port 0 picks a free port (tests)
   * @param adminToken the bearer token with full access (from gateway.json)
   * @param attachmentMaxBytes the largest upload; larger ones are refused with 413 as they arrive
   */
  public record Options(String host, int port, String adminToken, long attachmentMaxBytes) {
    public static Options loopback(int port, String adminToken) {
      return new Options("127.0.0.1", port, adminToken, ServiceSettings.ATTACHMENT_MAX_BYTES_DEFAULT);
    }
  }

  /** A route as registered: method, path (Javalin and OpenAPI share the {@code {param}} syntax) and access. */
  public record Route(HandlerType method, String path, Access access) {}

  /** The JSON bodies of the verbs: a task body, a summary and metadata fit with room to spare. */
  static final long MAX_JSON_BODY_BYTES = TextRules.BODY_MAX_BYTES + (1L << 20);

  private final ApiContext context;
  private final Options options;
  private final Access.Guard guard;
  private final EventStream events;
  private final SystemHandlers system;
  private final BoardHandlers boards;
  private final TaskHandlers tasks;
  private final LifecycleHandlers lifecycle;
  private final AttachmentHandlers attachments;
  private final EventHandlers eventHandlers;
  private Javalin app;

  public ApiServer(ApiContext context, Options options) {
    this.context = context;
    this.options = options;
    this.guard = new Access.Guard(context, options.adminToken());
    this.events = new EventStream(context);
    this.system = new SystemHandlers(context);
    this.boards = new BoardHandlers(context);
    this.tasks = new TaskHandlers(context);
    this.lifecycle = new LifecycleHandlers(context);
    this.attachments = new AttachmentHandlers(context, options.attachmentMaxBytes(), tasks);
    this.eventHandlers = new EventHandlers(context, events);
  }

  /** One way to add a route; {@link #routes} is written against it so the table can be listed without a server. */
  @FunctionalInterface
  interface Registrar {
    void add(HandlerType method, String path, Handler handler, Access access);
  }

  /** Every route of the API, in one place. */
  void routes(Registrar r) {
    r.add(GET, "/api/v1/health", system::health, PUBLIC);
    r.add(GET, "/metrics", system::metrics, PUBLIC);
    r.add(GET, "/api/v1/openapi.json", system::openApi, ADMIN);

    r.add(GET, "/api/v1/boards", boards::list, ADMIN);
    r.add(POST, "/api/v1/boards", boards::create, ADMIN);
    r.add(GET, BOARD, boards::show, READ);
    r.add(PATCH, BOARD, boards::rename, ADMIN);
    r.add(DELETE, BOARD, boards::remove, ADMIN);
    r.add(GET, BOARD + "/stats", boards::stats, READ);
    r.add(POST, BOARD + "/gc", boards::gc, ADMIN);
    r.add(POST, BOARD + "/tick", boards::tick, ADMIN);
    r.add(GET, BOARD + "/backups", boards::backups, ADMIN);
    r.add(POST, BOARD + "/backups", boards::backup, ADMIN);
    r.add(POST, BOARD + "/restore", boards::restore, ADMIN);
    r.add(GET, BOARD + "/events", eventHandlers::events, READ);

    r.add(GET, BOARD + "/tasks", tasks::list, READ);
    r.add(POST, BOARD + "/tasks", tasks::create, WORKER);
    r.add(GET, TASK, tasks::show, READ);
    r.add(PATCH, TASK, tasks::edit, ADMIN);
    r.add(DELETE, TASK, tasks::delete, ADMIN);
    r.add(GET, TASK + "/context", tasks::context, READ);
    r.add(GET, TASK + "/runs", tasks::runs, READ);
    r.add(POST, TASK + "/assign", tasks::assign, ADMIN);
    r.add(POST, TASK + "/comments", tasks::comment, WORKER);
    r.add(POST, BOARD + "/links", tasks::link, WORKER);
    r.add(DELETE, BOARD + "/links/{parent}/{child}", tasks::unlink, ADMIN);

    r.add(POST, TASK + "/claim", lifecycle::claim, ADMIN);
    r.add(POST, TASK + "/heartbeat", lifecycle::heartbeat, OWN_TASK);
    r.add(POST, TASK + "/complete", lifecycle::complete, OWN_TASK);
    r.add(POST, TASK + "/block", lifecycle::block, OWN_TASK);
    r.add(POST, TASK + "/unblock", lifecycle::unblock, ADMIN);
    r.add(POST, TASK + "/promote", lifecycle::promote, ADMIN);
    r.add(POST, TASK + "/schedule", lifecycle::schedule, OWN_TASK);
    r.add(POST, TASK + "/request-review", lifecycle::requestReview, OWN_TASK);
    r.add(POST, TASK + "/request-changes", lifecycle::requestChanges, OWN_TASK);
    r.add(POST, TASK + "/reopen-review", lifecycle::reopenReview, ADMIN);
    r.add(POST, TASK + "/reclaim", lifecycle::reclaim, ADMIN);
    r.add(POST, TASK + "/archive", lifecycle::archive, ADMIN);

    r.add(GET, TASK + "/attachments", attachments::list, READ);
    r.add(POST, TASK + "/attachments", attachments::upload, OWN_TASK);
    r.add(DELETE, BOARD + "/attachments/{attachment}", attachments::remove, ADMIN);
  }

  /** The route table, for the OpenAPI check and the docs. */
  public List<Route> routeTable() {
    List<Route> table = new ArrayList<>();
    routes((method, path, handler, access) -> table.add(new Route(method, path, access)));
    return table;
  }

  public synchronized ApiServer start() {
    if (app != null) {
      return this;
    }
    Javalin created = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.http.maxRequestSize = MAX_JSON_BODY_BYTES;
      config.jetty.modifyServer(server -> server.setErrorHandler(new ApiErrors.JettyErrors()));
      config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new ApiErrors.JettyErrors()));
      config.requestLogger.http(this::count);
      config.routes.beforeMatched(guard::check);
      routes((method, path, handler, access) -> config.routes.addHttpHandler(method, path, handler, access));
      ApiErrors.install(config.routes);
    });
    try {
      created.start(options.host(), options.port());
    } catch (RuntimeException e) {
      created.stop();
      throw KanbanException.unavailable("cannot serve the API on " + options.host() + ":" + options.port() + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }
    events.start();
    app = created;
    return this;
  }

  public synchronized void stop() {
    if (app == null) {
      return;
    }
    events.stop();
    app.stop();
    app = null;
  }

  /** The port the server listens on (the one it picked when started with port 0). */
  public synchronized int port() {
    if (app == null) {
      throw new IllegalStateException("the API server is not running");
    }
    return app.port();
  }

  /** Open server-sent event streams. */
  public int openEventStreams() {
    return events.openStreams();
  }

  private void count(Context ctx, Float ms) {
    MeterRegistry registry = context.metrics();
    if (registry == null) {
      return;
    }
    String route;
    try {
      var matched = ctx.endpoints().matchedHttpEndpoint();
      route = matched == null ? "unmatched" : matched.path;
    } catch (RuntimeException e) {
      route = "unmatched";
    }
    Timer.builder("kanban.api.requests").description("HTTP API requests")
        .tag("method", ctx.method().name()).tag("route", route).tag("status", Integer.toString(ctx.statusCode()))
        .register(registry).record((long) (ms * 1000), TimeUnit.MICROSECONDS);
  }
}
