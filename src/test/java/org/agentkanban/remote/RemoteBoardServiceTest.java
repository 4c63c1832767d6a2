package org.agentkanban.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.agentkanban.api.Documents;
import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.DedupeScope;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Workspace;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.Claim;
import org.agentkanban.service.CreateTask;
import org.agentkanban.service.EditTask;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.store.TaskQuery;
import org.agentkanban.store.TaskSort;
import org.agentkanban.testkit.TestGateway;
import org.agentkanban.wire.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every verb over HTTP against a live API: the same results as the local service, the same errors. */
class RemoteBoardServiceTest {
  @TempDir Path dir;
  private TestGateway gateway;
  private LocalBoardService local;
  private RemoteBoardService remote;
  private final Actor alice = Actor.person("alice");

  @BeforeEach
  void start() {
    gateway = new TestGateway(dir);
    local = gateway.local("default");
    remote = RemoteBoardService.admin(gateway.url(), gateway.adminToken, "default");
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private static String json(Object document) {
    return Json.write(document);
  }

  private String create(String title) {
    return remote.create(CreateTask.titled(title, alice)).view().id();
  }

  @Test
  void readsGiveWhatTheLocalServiceGives() throws Exception {
    String parent = create("parent");
    String child = remote.create(CreateTask.titled("child", alice).withParents(List.of(parent))).view().id();
    remote.comment(child, "a note", alice);
    Path file = Files.writeString(dir.resolve("notes.txt"), "hello");
    remote.attach(child, file, null, null, alice);
    TaskQuery query = new TaskQuery(Set.of(Status.TODO, Status.READY), null, null, false, 50, TaskSort.CREATED);
    assertThat(json(Documents.list("default", remote.list(query)))).isEqualTo(json(Documents.list("default", local.list(query))));
    assertThat(json(Documents.detail(remote.show(child, 20), a -> a.storedName())))
        .isEqualTo(json(Documents.detail(local.show(child, 20), a -> a.storedName())));
    assertThat(remote.context(child)).isEqualTo(local.context(child));
    assertThat(remote.events(0, null, 100)).isEqualTo(local.events(0, null, 100));
    assertThat(remote.events(0, child, 2)).isEqualTo(local.events(0, child, 2));
    assertThat(remote.attachments(child)).isEqualTo(local.attachments(child));
    assertThat(remote.stats()).isEqualTo(local.stats());
    assertThat(remote.board()).isEqualTo("default");
  }

  @Test
  void createCarriesEveryFieldAndTheActor() {
    var r = remote.create(new CreateTask("full", "body", "coder", List.of(), 9, "acme", "key-1", DedupeScope.LIFETIME,
        false, null, 90_000L, 3, Workspace.SCRATCH, alice));
    assertThat(r.created()).isTrue();
    var t = local.show(r.view().id(), 0).view().task();
    assertThat(t.createdBy()).isEqualTo("alice");
    assertThat(t.assignee()).isEqualTo("coder");
    assertThat(t.priority()).isEqualTo(9);
    assertThat(t.dedupeScope()).isEqualTo(DedupeScope.LIFETIME);
    assertThat(t.maxRuntimeMs()).isEqualTo(90_000L);
    assertThat(t.maxRetries()).isEqualTo(3);
    var again = remote.create(new CreateTask("full", null, null, List.of(), null, null, "key-1", DedupeScope.LIFETIME,
        false, null, null, null, null, alice));
    assertThat(again.created()).isFalse();
    assertThat(again.view().id()).isEqualTo(r.view().id());
    assertThat(remote.create(CreateTask.titled("idea", alice).withAssignee("x")).view().task().assignee()).isEqualTo("x");
  }

  @Test
  void editAssignLinkAndUnlink() {
    String a = create("a");
    String b = create("b");
    var edited = remote.edit(new EditTask(a, "a2", null, 4, null, null, false, 1, null, alice));
    assertThat(edited.task().title()).isEqualTo("a2");
    assertThat(edited.task().priority()).isEqualTo(4);
    assertThat(remote.assign(a, "coder", false, alice).task().assignee()).isEqualTo("coder");
    assertThat(remote.link(a, b, alice).task().status()).isEqualTo(Status.TODO);
    assertThat(remote.unlink(a, b, alice).task().status()).isEqualTo(Status.READY);
    assertThat(remote.comment(a, "hi", alice).author()).isEqualTo("alice");
  }

  @Test
  void theLifecycleVerbs() {
    String id = create("work");
    Claim claim = remote.claim(id, 60_000, alice);
    assertThat(claim.runToken()).startsWith("kr_");
    assertThat(claim.run().tokenHash()).isNull();
    assertThat(remote.heartbeat(id, "alive", alice).task().status()).isEqualTo(Status.RUNNING);
    assertThat(remote.runs(id)).hasSize(1);
    assertThat(remote.requestReview(id, "PR", "{\"pr\": 12}", "qa", alice).task().status()).isEqualTo(Status.REVIEW);
    remote.claim(id, 60_000, alice);
    assertThat(remote.requestChanges(id, "untested", alice).task().status()).isEqualTo(Status.READY);
    remote.requestReview(id, null, null, null, alice);
    assertThat(remote.reopenReview(id, "again", alice).task().status()).isEqualTo(Status.READY);
    assertThat(remote.block(id, "key", BlockKind.NEEDS_INPUT, alice).task().status()).isEqualTo(Status.BLOCKED);
    assertThat(remote.unblock(id, "given", alice).task().status()).isEqualTo(Status.READY);
    long at = gateway.home.clock.now() + 60_000;
    assertThat(remote.schedule(id, at, "later", alice).task().status()).isEqualTo(Status.SCHEDULED);
    assertThat(remote.promote(id, "now", alice).task().status()).isEqualTo(Status.READY);
    remote.claim(id, 60_000, alice);
    assertThat(remote.reclaim(id, "stuck", alice).task().status()).isEqualTo(Status.READY);
    remote.claim(id, 60_000, alice);
    var done = remote.complete(id, "did it", "{\"tests\": 3}", false, alice);
    assertThat(done.task().status()).isEqualTo(Status.DONE);
    assertThat(local.runs(id).get(local.runs(id).size() - 1).metadata()).isEqualTo("{\"tests\":3}");
    assertThat(remote.archive(id, "old", alice).task().status()).isEqualTo(Status.ARCHIVED);
    remote.delete(id, alice);
    assertThat(local.list(new TaskQuery(Set.of(), null, null, true, 10, null))).isEmpty();
  }

  @Test
  void attachmentsUploadTheBytesAndAreRemoved() throws Exception {
    String id = create("files");
    Path file = Files.write(dir.resolve("data.bin"), new byte[] {1, 2, 3, 0, (byte) 255});
    var a = remote.attach(id, file, "data.bin", "application/octet-stream", alice);
    assertThat(a.size()).isEqualTo(5);
    assertThat(a.uploadedBy()).isEqualTo("alice");
    Path stored = gateway.home.root.resolve("boards/default/attachments").resolve(id).resolve(a.storedName());
    assertThat(Files.readAllBytes(stored)).containsExactly(1, 2, 3, 0, 255);
    remote.attachRemove(a.id(), alice);
    assertThat(local.attachments(id)).isEmpty();
    assertThat(catchKind(() -> remote.attach(id, dir.resolve("missing.txt"), null, null, alice))).isEqualTo(ErrorKind.NOT_FOUND);
  }

  @Test
  void tickAndGc() {
    String id = create("later");
    remote.schedule(id, gateway.home.clock.now() + 1000, null, alice);
    gateway.home.clock.advance(2000);
    assertThat(remote.tick().woken()).containsExactly(id);
    assertThat(remote.gc(1000, 1000).eventsDeleted()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void everyErrorKindComesBackWithTheServicesMessage() {
    String id = create("x");
    assertSameError(b -> b.create(CreateTask.titled(" ", alice)), ErrorKind.INVALID_INPUT);
    assertSameError(b -> b.show("t_zzzzzzzzzz", 1), ErrorKind.NOT_FOUND);
    assertSameError(b -> b.unblock(id, null, alice), ErrorKind.REFUSED);
    Claim claim = local.claim(id, 60_000, alice);
    local.reclaim(id, null, alice);
    assertSameError(b -> b.complete(id, null, null, false, Actor.forRun("w", claim.run().id(), null)), ErrorKind.CONFLICT);
  }

  @Test
  void aGatewayThatDoesNotAnswerIsUnavailable() {
    String url = gateway.url();
    gateway.server.stop();
    KanbanException e = catchThrowableOfType(KanbanException.class, () -> remote.list(TaskQuery.all()));
    assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(e.getMessage()).startsWith("the gateway at " + url + " is not answering");
  }

  @Test
  void aRunTokenClientWritesItsOwnTaskAndIsRefusedElsewhere() {
    String own = create("own");
    String other = create("other");
    Claim claim = remote.claim(own, 60_000, alice);
    BoardService worker = RemoteBoardService.forRun(gateway.url(), claim.runToken(), claim.run().id(), own, "default");
    Actor self = Actor.forRun("whoever", claim.run().id(), claim.runToken());
    assertThat(worker.list(TaskQuery.all())).hasSize(2);
    assertThat(worker.create(CreateTask.titled("follow-up", self)).created()).isTrue();
    KanbanException forbidden = catchThrowableOfType(KanbanException.class, () -> worker.unblock(other, null, self));
    assertThat(forbidden.kind()).isEqualTo(ErrorKind.REFUSED);
    assertThat(forbidden.getMessage()).contains("a run token may");
    assertThat(worker.complete(own, "done", null, false, self).task().status()).isEqualTo(Status.DONE);
    assertThat(catchKind(() -> worker.heartbeat(own, null, self))).isEqualTo(ErrorKind.CONFLICT);
    BoardService forged = RemoteBoardService.forRun(gateway.url(), "kr_forged", claim.run().id(), own, "default");
    assertThat(catchKind(() -> forged.list(TaskQuery.all()))).isEqualTo(ErrorKind.REFUSED);
    assertThatThrownBy(() -> worker.endRun(own, 1, null, self)).isInstanceOf(KanbanException.class);
  }

  @Test
  void answersWithoutAKnownCodeAreMappedByTheirStatus() {
    GatewayHttp http = new GatewayHttp("http://127.0.0.1:1", java.util.Map.of());
    byte[] unavailable = "{\"error\": {\"code\": \"unavailable\", \"message\": \"board is damaged\"}}".getBytes();
    assertThat(http.error(503, unavailable).kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(http.error(503, unavailable).getMessage()).isEqualTo("board is damaged");
    assertThat(http.error(413, "{\"error\": {\"code\": \"too_large\", \"message\": \"m\"}}".getBytes()).kind())
        .isEqualTo(ErrorKind.INVALID_INPUT);
    assertThat(http.error(401, "{\"error\": {\"code\": \"unauthorized\", \"message\": \"m\"}}".getBytes()).kind())
        .isEqualTo(ErrorKind.REFUSED);
    KanbanException proxy = http.error(502, "<html>Bad Gateway</html>".getBytes());
    assertThat(proxy.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(proxy.getMessage()).isEqualTo("the gateway at http://127.0.0.1:1 answered HTTP 502");
  }

  private interface Call {
    Object on(BoardService board);
  }

  /** The remote call fails with the same kind and message as the same call on the local service. */
  private void assertSameError(Call call, ErrorKind kind) {
    KanbanException there = catchThrowableOfType(KanbanException.class, () -> call.on(remote));
    KanbanException here = catchThrowableOfType(KanbanException.class, () -> call.on(local));
    assertThat(there).as("remote").isNotNull();
    assertThat(here).as("local").isNotNull();
    assertThat(there.kind()).isEqualTo(kind).isEqualTo(here.kind());
    assertThat(there.getMessage()).isEqualTo(here.getMessage());
  }

  private static ErrorKind catchKind(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    return catchThrowableOfType(KanbanException.class, call).kind();
  }
}
