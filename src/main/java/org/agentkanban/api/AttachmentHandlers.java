package org.agentkanban.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.agentkanban.domain.Attachment;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.service.BoardService;
import org.agentkanban.wire.AttachmentJson;
import org.agentkanban.wire.ResponseJson;

/**
 * Attachments. An upload is the file's raw bytes ({@code POST /tasks/{id}/attachments?name=…},
 * the Content-Type header as its type); they are streamed to a temporary file with the size cap
 * enforced as they arrive, then handed to the service, which checks the name and stores the copy.
 */
final class AttachmentHandlers {
  private final ApiContext context;
  private final long maxBytes;
  private final TaskHandlers tasks;

  AttachmentHandlers(ApiContext context, long maxBytes, TaskHandlers tasks) {
    this.context = context;
    this.maxBytes = maxBytes;
    this.tasks = tasks;
  }

  void list(Context ctx) {
    String id = Requests.taskId(ctx);
    BoardService board = Requests.board(context, ctx);
    Requests.json(ctx, Documents.attachments(id, board.attachments(id), a -> tasks.attachmentPath(board.board(), a)));
  }

  void upload(Context ctx) throws IOException {
    String id = Requests.taskId(ctx);
    String name = ctx.queryParam("name");
    if (name == null || name.isBlank()) {
      throw KanbanException.invalid("name is required: POST …/attachments?name=<file name> with the bytes as the body");
    }
    BoardService board = Requests.board(context, ctx);
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge(declared);
    }
    Path tmp = Files.createTempFile("kanban-upload-", ".part");
    try {
      receive(ctx, tmp);
      Attachment a = board.attach(id, tmp, name, contentType(ctx), Requests.actor(ctx));
      Requests.json(ctx, 201, AttachmentJson.of(a, tasks.attachmentPath(board.board(), a)));
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  void remove(Context ctx) {
    long id = Requests.parseLong("attachment id", ctx.pathParam("attachment"), -1);
    Requests.board(context, ctx).attachRemove(id, Requests.actor(ctx));
    Requests.json(ctx, new ResponseJson.AttachmentRemoved(id, true));
  }

  private void receive(Context ctx, Path tmp) throws IOException {
    long total = 0;
    try (InputStream in = ctx.bodyInputStream(); OutputStream out = Files.newOutputStream(tmp)) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > maxBytes) {
          throw tooLarge(total);
        }
        out.write(buf, 0, n);
      }
    }
  }

  /** The declared type; curl's default for --data-binary says nothing about the file, so the name decides. */
  private static String contentType(Context ctx) {
    String type = ctx.header("Content-Type");
    if (type == null || type.isBlank() || type.startsWith("application/x-www-form-urlencoded")) {
      return null;
    }
    return type.strip();
  }

  private ApiErrors.HttpError tooLarge(long bytes) {
    return ApiErrors.tooLarge("the attachment is larger than the limit of " + maxBytes + " bytes"
        + (bytes > 0 ? " (" + bytes + " bytes or more)" : ""));
  }
}
