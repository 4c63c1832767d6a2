package org.agentkanban.remote;

import java.nio.file.Path;
import java.util.Map;
import org.agentkanban.domain.BoardSlug;
import org.agentkanban.wire.ResponseJson;

/**
 * Board management that must go through a running gateway: removing a board it has open (it
 * closes the board first). The other board verbs are plain file operations the CLI does itself.
 */
public final class RemoteBoards {
  private final GatewayHttp http;

  public RemoteBoards(String baseUrl, String adminToken) {
    this.http = new GatewayHttp(baseUrl, Map.of("Authorization", "Bearer " + adminToken));
  }

  /** Archives (or deletes) a board; returns where it was archived, or null when deleted. */
  public Path remove(String slug, boolean delete) {
    ResponseJson.BoardRemoved r = http.send("DELETE", "/api/v1/boards/" + BoardSlug.require(slug)
        + (delete ? "?delete=true" : ""), null, ResponseJson.BoardRemoved.class, Map.of());
    return r.archivedTo() == null ? null : Path.of(r.archivedTo());
  }
}
