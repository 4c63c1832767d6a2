package org.agentkanban.cli;

import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.DedupeScope;
import org.agentkanban.domain.Durations;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Workspace;
import org.agentkanban.store.TaskSort;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option parsers: a bad value is a usage error (exit 2) reported in one line, before anything opens. */
final class Converters {
  private Converters() {}

  private interface Parse<T> {
    T parse(String s);
  }

  private static <T> T convert(Parse<T> p, String value) {
    try {
      return p.parse(value);
    } catch (KanbanException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  static final class StatusConverter implements ITypeConverter<Status> {
    @Override
    public Status convert(String value) {
      return Converters.convert(Status::parse, value);
    }
  }

  static final class BlockKindConverter implements ITypeConverter<BlockKind> {
    @Override
    public BlockKind convert(String value) {
      return Converters.convert(BlockKind::parse, value);
    }
  }

  static final class WorkspaceConverter implements ITypeConverter<Workspace> {
    @Override
    public Workspace convert(String value) {
      return Converters.convert(Workspace::parse, value);
    }
  }

  static final class DurationConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return Converters.convert(v -> Durations.parseMillis("duration", v), value);
    }
  }

  static final class SortConverter implements ITypeConverter<TaskSort> {
    @Override
    public TaskSort convert(String value) {
      return Converters.convert(TaskSort::parse, value);
    }
  }

  static final class DedupeScopeConverter implements ITypeConverter<DedupeScope> {
    @Override
    public DedupeScope convert(String value) {
      return Converters.convert(DedupeScope::parse, value);
    }
  }
}
