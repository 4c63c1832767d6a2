package org.agentkanban.store;

import java.util.Optional;
import org.agentkanban.domain.Attachment;
import org.agentkanban.domain.Comment;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.Link;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.Task;

/** Writes inside the one transaction of a {@link BoardStore#write} call; reads see the writes. */
public interface WriteTx extends ReadTx {

  long attachmentInsert(Attachment attachment);

  boolean attachmentDelete(long id);

  long commentInsert(Comment comment);

  /** Appends an event (its id is ignored and assigned) and returns the new id. */
  long eventAppend(Event event);

  /** Deletes events created before {@code beforeMs} of tasks that are done or archived. */
  int eventDeleteOfFinishedTasksBefore(long beforeMs);

  void linkInsert(Link link);

  boolean linkDelete(String parentId, String childId);

  void metaPut(String key, String value);

  /** Inserts a run (its id is ignored and assigned) and returns it with the new id. */
  Run runInsert(Run run);

  /**
   * Replaces an open run. Compare-and-swap: the stored run must still be open.
   *
   * @throws org.agentkanban.domain.KanbanException CONFLICT if it was closed meanwhile
   */
  void runUpdateIfOpen(Run run);

  void taskDelete(String id);

  Optional<String> taskIdByDedupeSlot(String slot);

  void taskInsert(Task task);

  /**
   * Writes {@code next} if the stored version still equals {@code next.version()} and returns it
   * with the version incremented.
   *
   * @throws org.agentkanban.domain.KanbanException CONFLICT when another writer changed it first
   */
  Task taskUpdate(Task next);
}
