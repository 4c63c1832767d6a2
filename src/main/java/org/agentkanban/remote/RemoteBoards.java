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

  /** The gateway's {@code /api/v1/health} document (also when it says a board is in trouble). */
  public com.fasterxml.jackson.databind.JsonNode health() {
    return http.getDocument("/api/v1/health");
  }

  /** Has the gateway take a verified backup of the board now. */
  public org.agentkanban.store.FileBackups.Backup backup(String slug) {
    ResponseJson.BackupTaken r = http.send("POST", "/api/v1/boards/" + BoardSlug.require(slug) + "/backups", null,
        ResponseJson.BackupTaken.class, Map.of());
    return new org.agentkanban.store.FileBackups.Backup(Path.of(r.file()), r.bytes(), r.tookMs(), r.lastEventId(), r.createdAt());
  }

  /** Has the gateway restore the board from a backup ({@code latest} or a file). */
  public ResponseJson.BoardRestored restore(String slug, String backup) {
    return http.send("POST", "/api/v1/boards/" + BoardSlug.require(slug) + "/restore",
        new org.agentkanban.wire.RequestJson.Restore(backup), ResponseJson.BoardRestored.class, Map.of());
  }
}
