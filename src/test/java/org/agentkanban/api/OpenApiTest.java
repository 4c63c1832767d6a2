package org.agentkanban.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.agentkanban.wire.Json;
import org.agentkanban.testkit.TestGateway;
import org.agentkanban.testkit.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code resources/api/openapi.json} describes exactly the routes {@link ApiServer#routes} registers. */
class OpenApiTest {
  private static final JsonNode DOC = Json.tree(new String(SystemHandlers.openApiDocument(), java.nio.charset.StandardCharsets.UTF_8));

  private static List<ApiServer.Route> routes() {
    return new ApiServer(null, ApiServer.Options.loopback(0, "token")).routeTable();
  }

  @Test
  void everyRegisteredRouteIsDescribedWithItsAccess() {
    for (ApiServer.Route r : routes()) {
      JsonNode op = DOC.path("paths").path(r.path()).path(r.method().name().toLowerCase(Locale.ROOT));
      assertThat(op.isObject()).as(r.method() + " " + r.path() + " is in openapi.json").isTrue();
      assertThat(op.path("x-kanban-access").asText()).as(r.method() + " " + r.path())
          .isEqualTo(r.access().name().toLowerCase(Locale.ROOT));
      assertThat(op.path("responses").size()).as(r.method() + " " + r.path() + " has responses").isPositive();
    }
  }

  @Test
  void theDocumentDescribesNoRouteThatDoesNotExist() {
    Set<String> registered = new HashSet<>();
    routes().forEach(r -> registered.add(r.method().name().toLowerCase(Locale.ROOT) + " " + r.path()));
    Set<String> described = new HashSet<>();
    DOC.path("paths").properties().forEach(p -> p.getValue().fieldNames()
        .forEachRemaining(m -> described.add(m + " " + p.getKey())));
    assertThat(described).containsExactlyInAnyOrderElementsOf(registered);
  }

  @Test
  void everySchemaReferenceResolves() {
    Set<String> refs = new HashSet<>();
    collectRefs(DOC, refs);
    for (String ref : refs) {
      String[] parts = ref.substring(2).split("/");
      JsonNode target = DOC;
      for (String part : parts) {
        target = target.path(part);
      }
      assertThat(target.isMissingNode()).as(ref + " resolves").isFalse();
    }
    assertThat(DOC.path("openapi").asText()).startsWith("3.");
  }

  @Test
  void theDocumentIsServedToTheAdmin(@TempDir Path dir) {
    try (TestGateway gateway = new TestGateway(dir)) {
      TestHttp.Reply r = gateway.admin().get("/api/v1/openapi.json");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json()).isEqualTo(DOC);
    }
  }

  private static void collectRefs(JsonNode node, Set<String> out) {
    if (node.isObject()) {
      node.properties().forEach(e -> {
        if (e.getKey().equals("$ref")) {
          out.add(e.getValue().asText());
        } else {
          collectRefs(e.getValue(), out);
        }
      });
    } else if (node.isArray()) {
      node.forEach(n -> collectRefs(n, out));
    }
  }
}
