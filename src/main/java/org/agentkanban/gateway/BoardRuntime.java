package org.agentkanban.gateway;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.agentkanban.domain.Run;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.store.ChangeCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One board inside a gateway: its service, and, when this gateway holds the board's dispatch lock,
 * its dispatcher thread. The lock ({@code boards/<slug>/dispatch.lock}, never a database file) is
 * held for the gateway's life, so a second gateway on the same board serves it but does not
 * dispatch it, and says so.
 */
final class BoardRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BoardRuntime.class);

  final String slug;
  final LocalBoardService service;
  private final ForwardingListener listener;
  private final Path lockFile;
  private FileChannel lockChannel;
  private volatile FileLock lock;
  private Dispatcher dispatcher;
  private Thread thread;
  private long lastChangeCounter = Long.MIN_VALUE;
  final BoardHealth health = new BoardHealth();
  /** A risk accepted with --force (a network file system), shown in health; null when none. */
  volatile String warning;
  /** Null for a store that is not kept in local files. */
  volatile BoardMaintenance maintenance;

  /** Lets the service be built before the dispatcher it must wake exists. */
  static final class ForwardingListener implements BoardListener {
    volatile Dispatcher target;
    /** Every committed write, whoever made it (API, dispatcher), proves the board writable. */
    volatile BoardHealth health;

    @Override
    public void changed() {
      BoardHealth h = health;
      if (h != null) {
        h.succeeded(System.currentTimeMillis(), true);
      }
      Dispatcher d = target;
      if (d != null) {
        d.wake();
      }
    }

    @Override
    public void writeFailed(org.agentkanban.store.StoreUnavailableException e) {
      BoardHealth h = health;
      if (h != null && e.reason().isTransient()) {
        h.failed(e, System.currentTimeMillis(), true);
      }
    }

    @Override
    public void runClosedUnderWorker(String taskId, Run closedRun) {
      Dispatcher d = target;
      if (d != null) {
        d.runClosedUnderWorker(taskId, closedRun.id());
      }
    }
  }

  private BoardRuntime(String slug, LocalBoardService service, ForwardingListener listener, Path lockFile,
      FileChannel channel, FileLock lock) {
    this.slug = slug;
    this.service = service;
    this.listener = listener;
    this.lockFile = lockFile;
    this.lockChannel = channel;
    this.lock = lock;
  }

  static BoardRuntime open(String slug, java.util.function.Function<BoardListener, LocalBoardService> opener, Path boardDir) {
    ForwardingListener listener = new ForwardingListener();
    LocalBoardService service = opener.apply(listener);
    BoardRuntime rt = new BoardRuntime(slug, service, listener, boardDir.resolve("dispatch.lock"), null, null);
    listener.health = rt.health;
    if (!rt.tryLock()) {
      LOG.warn("board '{}' is dispatched by another gateway; this gateway serves its API only", slug);
    }
    return rt;
  }

  /**
   * Takes the board's dispatch lock if it is free (at start, and again while another gateway holds
   * it, so a board never stays undispatched after that gateway is gone). Never a database file.
   */
  synchronized boolean tryLock() {
    if (lock != null) {
      return true;
    }
    try {
      if (lockChannel == null) {
        lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      }
      lock = lockChannel.tryLock();
    } catch (IOException | OverlappingFileLockException e) {
      lock = null;
    }
    return lock != null;
  }

  boolean dispatching() {
    return lock != null;
  }

  /** @param withThread false when a test drives {@link Dispatcher#runOnce()} itself */
  void startDispatcher(Dispatcher.Wiring wiring, boolean withThread) {
    if (lock == null || dispatcher != null) {
      return;
    }
    dispatcher = new Dispatcher(wiring);
    listener.target = dispatcher;
    if (withThread) {
      thread = new Thread(dispatcher, "kanban-dispatch-" + slug);
      thread.setDaemon(true);
      thread.start();
    }
  }

  Dispatcher dispatcher() {
    return dispatcher;
  }

  /** Wakes the dispatcher when another process committed to this board since the last look. */
  void pollForOutsideChanges() {
    if (dispatcher == null || !(service.store() instanceof ChangeCounter counter)) {
      return;
    }
    long now = counter.changeCounter();
    if (now != lastChangeCounter) {
      lastChangeCounter = now;
      dispatcher.wake();
    }
    BoardMaintenance m = maintenance;
    if (m != null) {
      m.observe(now, System.currentTimeMillis());
    }
  }

  void stopClaiming() {
    if (dispatcher != null) {
      dispatcher.stopClaiming();
    }
  }

  @Override
  public synchronized void close() {
    if (dispatcher != null) {
      dispatcher.stop();
    }
    if (thread != null) {
      try {
        thread.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    service.close();
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException ignored) {
      // the lock dies with the process anyway
    }
  }
}
