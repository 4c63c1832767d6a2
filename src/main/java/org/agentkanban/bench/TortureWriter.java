package org.agentkanban.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.DedupeScope;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Status;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.Claim;
import org.agentkanban.service.CreateResult;
import org.agentkanban.service.CreateTask;
import org.agentkanban.service.TaskView;
import org.agentkanban.store.TaskQuery;

/**
 * One writer of the kill torture (docs/CRASH-SAFETY.md, "Kill torture"): loops on random verbs
 * against one board until it is killed, and appends every acknowledged write to its side log
 * before the next write begins. A write killed before its acknowledgement may or may not be on the
 * board; every logged one must be. Refusals (a task another writer just claimed, a cycle) are part
 * of the game and are not logged. A create that repeats an acknowledged idempotency key must
 * return the same task: a mismatch is logged as a violation.
 *
 * <p>Side log lines ({@link TortureLedger} reads them):
 * <pre>
 * create &lt;task&gt; &lt;idempotency key&gt;
 * comment &lt;task&gt; &lt;nonce in the body&gt;
 * claim &lt;task&gt; &lt;run&gt;
 * event &lt;task&gt; &lt;nonce in the payload&gt;       (heartbeat note, complete summary, block/unblock reason)
 * completed &lt;task&gt;                        (done is final here: nobody archives)
 * link &lt;parent&gt; &lt;child&gt;
 * violation &lt;text&gt;
 * </pre>
 */
public final class TortureWriter {
  /** Manual claims are short, so a killed writer's claims expire during the round's check. */
  public static final long LEASE_TTL_MS = 2_000;

  private final BoardService board;
  private final SideLog log;
  private final Actor actor;
  private final String incarnation;
  private final Random random;
  private final List<String> known = new ArrayList<>();
  private final List<String[]> ackedKeys = new ArrayList<>();
  /** Runs this incarnation claimed and may still hold: task id → run id. */
  private final Map<String, Long> mine = new java.util.HashMap<>();
  private long counter;
  /** The claimed task the current step acts on, forgotten if the step is refused. */
  private String touched;

  public TortureWriter(BoardService board, Path sideLog, String writerName, long seed) {
    this.board = board;
    this.log = new SideLog(sideLog);
    this.actor = Actor.person(writerName);
    this.incarnation = writerName + "-" + ProcessHandle.current().pid() + "-" + Long.toHexString(seed & 0xffffff);
    this.random = new Random(seed);
  }

  /**
   * Writes until {@code maxWrites} acknowledged writes (or forever with a negative number); says
   * "ready" on {@code progress} after the first one, so a killer knows the loop is under way.
   */
  public void run(long maxWrites, PrintStream progress) {
    refreshKnown();
    long acked = 0;
    boolean announced = false;
    while (maxWrites < 0 || acked < maxWrites) {
      try {
        if (step()) {
          acked++;
          if (!announced) {
            progress.println("ready");
            progress.flush();
            announced = true;
          }
        }
      } catch (KanbanException e) {
        if (touched != null) {
          mine.remove(touched); // another writer blocked, completed or released it meanwhile
        }
        // Refused, conflict, not found (another writer got there first), or the board busy: the
        // write was not acknowledged, so nothing is logged.
        if (e.kind() == org.agentkanban.domain.ErrorKind.NOT_FOUND || random.nextInt(20) == 0) {
          refreshKnown();
        }
      }
    }
  }

  /** One random verb. @return whether a write was acknowledged (and logged) */
  private boolean step() {
    touched = null;
    int dice = random.nextInt(100);
    if (dice < 30 || known.size() < 4) {
      return create();
    }
    if (dice < 35 && !ackedKeys.isEmpty()) {
      return recreate();
    }
    if (dice < 55) {
      String task = pick();
      String nonce = nonce();
      board.comment(task, "torture comment " + nonce, actor);
      log.append("comment " + task + " " + nonce);
      return true;
    }
    if (dice < 67) {
      return claim();
    }
    if (dice < 75 && !mine.isEmpty()) {
      String task = mineRandom();
      String nonce = nonce();
      board.heartbeat(task, "beat " + nonce, actor);
      log.append("event " + task + " " + nonce);
      return true;
    }
    if (dice < 84) {
      String task = mine.isEmpty() || random.nextInt(4) == 0 ? pick() : mineRandom();
      String nonce = nonce();
      board.complete(task, "done " + nonce, null, false, actor);
      mine.remove(task);
      log.append("event " + task + " " + nonce);
      log.append("completed " + task);
      return true;
    }
    if (dice < 90) {
      String task = mine.isEmpty() || random.nextBoolean() ? pick() : mineRandom();
      String nonce = nonce();
      board.block(task, "blocked " + nonce, random.nextBoolean() ? null : BlockKind.NEEDS_INPUT, actor);
      mine.remove(task);
      log.append("event " + task + " " + nonce);
      return true;
    }
    if (dice < 96) {
      List<TaskView> blocked = board.list(TaskQuery.byStatus(Status.BLOCKED, 20));
      if (blocked.isEmpty()) {
        return false;
      }
      String task = blocked.get(random.nextInt(blocked.size())).task().id();
      String nonce = nonce();
      board.unblock(task, "unblocked " + nonce, actor);
      log.append("event " + task + " " + nonce);
      return true;
    }
    String parent = pick();
    String child = pick();
    if (parent.equals(child)) {
      return false;
    }
    board.link(parent, child, actor);
    log.append("link " + parent + " " + child);
    return true;
  }

  private boolean create() {
    String key = incarnation + "-" + counter++;
    CreateTask request = CreateTask.titled("torture " + key, actor).withIdempotencyKey(key, DedupeScope.LIFETIME);
    if (!known.isEmpty() && random.nextInt(5) == 0) {
      request = request.withParents(List.of(pick()));
    }
    CreateResult r = board.create(request);
    String id = r.view().task().id();
    log.append("create " + id + " " + key);
    known.add(id);
    ackedKeys.add(new String[] {key, id});
    return true;
  }

  /** The same idempotency key again: must name the same task and create nothing. */
  private boolean recreate() {
    String[] acked = ackedKeys.get(random.nextInt(ackedKeys.size()));
    CreateResult r = board.create(CreateTask.titled("torture " + acked[0], actor)
        .withIdempotencyKey(acked[0], DedupeScope.LIFETIME));
    if (r.created() || !r.view().task().id().equals(acked[1])) {
      log.append("violation key " + acked[0] + " gave " + r.view().task().id() + " (created=" + r.created()
          + "), acknowledged as " + acked[1]);
    }
    return false;
  }

  private boolean claim() {
    List<TaskView> ready = board.list(TaskQuery.byStatus(Status.READY, 20));
    if (ready.isEmpty()) {
      return false;
    }
    String task = ready.get(random.nextInt(ready.size())).task().id();
    Claim c = board.claim(task, LEASE_TTL_MS, actor);
    mine.put(task, c.run().id());
    log.append("claim " + task + " " + c.run().id());
    return true;
  }

  private String pick() {
    return known.get(random.nextInt(known.size()));
  }

  private String mineRandom() {
    List<String> tasks = new ArrayList<>(mine.keySet());
    touched = tasks.get(random.nextInt(tasks.size()));
    return touched;
  }

  private String nonce() {
    return incarnation + "." + counter++;
  }

  private void refreshKnown() {
    known.clear();
    for (TaskView v : board.list(new TaskQuery(Set.of(), null, null, false, 200, null))) {
      known.add(v.task().id());
    }
  }
}
