package org.agentkanban.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Status;
import org.agentkanban.store.TaskQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two services on one board database, as two processes (a gateway and a CLI) would have them:
 * each has its own writer connection, so races are decided by the database.
 */
class ConcurrencyTest extends BoardTestBase {
  private LocalBoardService other;
  private ExecutorService pool;

  @BeforeEach
  void aSecondServiceOnTheSameBoard() {
    other = home.boards.open("default", BoardListener.NONE);
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void closeTheSecondService() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    other.close();
  }

  /** Runs both calls at once and returns what each produced: a value or the KanbanException. */
  private List<Object> race(Callable<?> first, Callable<?> second) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Object>> futures = new ArrayList<>();
    for (Callable<?> call : List.of(first, second)) {
      futures.add(pool.submit(() -> {
        start.await();
        try {
          return call.call();
        } catch (KanbanException e) {
          return e;
        }
      }));
    }
    start.countDown();
    List<Object> results = new ArrayList<>();
    for (Future<Object> f : futures) {
      results.add(f.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  @Test
  void twoClaimsOfOneTaskOpenExactlyOneRun() throws Exception {
    for (int round = 0; round < 10; round++) {
      String id = create("contested " + round);

      List<Object> results = race(() -> board.claim(id, LEASE, Actor.person("gw-a")),
          () -> other.claim(id, LEASE, Actor.person("gw-b")));

      assertThat(results).filteredOn(Claim.class::isInstance).hasSize(1);
      assertThat(results).filteredOn(KanbanException.class::isInstance).singleElement()
          .satisfies(e -> assertThat(((KanbanException) e).kind()).isEqualTo(ErrorKind.CONFLICT));
      assertThat(runs(id)).hasSize(1);
      assertThat(status(id)).isEqualTo(Status.RUNNING);
    }
  }

  @Test
  void twoCreatesWithOneIdempotencyKeyMakeOneTask() throws Exception {
    for (int round = 0; round < 10; round++) {
      String key = "nightly-" + round;

      List<Object> results = race(() -> board.create(titled("job").withIdempotencyKey(key, null)),
          () -> other.create(titled("job").withIdempotencyKey(key, null)));

      assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(CreateResult.class));
      assertThat(results).extracting(r -> ((CreateResult) r).view().id()).containsOnly(
          ((CreateResult) results.get(0)).view().id());
      assertThat(results).extracting(r -> ((CreateResult) r).created()).containsExactlyInAnyOrder(true, false);
    }
    assertThat(board.list(TaskQuery.all())).hasSize(10);
  }

  @Test
  void aWorkerCompletingWhileAnOperatorReclaimsEndsOneWayOnly() throws Exception {
    for (int round = 0; round < 10; round++) {
      String id = create("t " + round);
      Claim c = claim(id);

      List<Object> results = race(() -> other.complete(id, "done", null, false, worker(c)),
          () -> board.reclaim(id, "operator", ALICE));

      Status s = status(id);
      assertThat(s).isIn(Status.DONE, Status.READY);
      assertThat(runs(id)).singleElement().satisfies(r -> assertThat(r.isOpen()).isFalse());
      // The loser was told: either the late complete was fenced or the reclaim found nothing to release.
      assertThat(results).filteredOn(KanbanException.class::isInstance).hasSize(1);
    }
  }
}
