package org.agentkanban.api;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.agentkanban.domain.KanbanException;

/** Health, Prometheus metrics and the OpenAPI description. */
final class SystemHandlers {
  static final String OPENAPI_RESOURCE = "/api/openapi.json";

  private final ApiContext context;
  private final byte[] openApi;

  SystemHandlers(ApiContext context) {
    this.context = context;
    this.openApi = openApiDocument();
  }

  /** 200 when healthy; 503 otherwise, with the same JSON saying which board is in trouble and why. */
  void health(Context ctx) {
    ApiContext.Health h = context.health();
    Requests.json(ctx, "healthy".equals(h.status()) ? 200 : 503, h);
  }

  void metrics(Context ctx) {
    MeterRegistry registry = context.metrics();
    if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
      throw KanbanException.notFound("this gateway does not export Prometheus metrics");
    }
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(prometheus.scrape());
  }

  void openApi(Context ctx) {
    ctx.contentType("application/json").result(openApi);
  }

  static byte[] openApiDocument() {
    try (InputStream in = SystemHandlers.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
