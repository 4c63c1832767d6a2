package org.agentkanban.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.Map;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.wire.ErrorJson;
import org.agentkanban.wire.Json;
import picocli.CommandLine;

/** The composition root: builds the context, runs picocli, turns every failure into an exit code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.getenv(), System.out, System.err, System.in, Clock.SYSTEM);
    System.out.flush();
    System.exit(code);
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, InputStream in, Clock clock) {
    CliContext ctx = new CliContext(env, out, err, in, clock);
    CommandLine cl = commandLine(ctx);
    boolean json = Arrays.asList(args).contains("--json");
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> failure(ctx, ex, json));
    cl.setParameterExceptionHandler((ex, args2) -> {
      // One line, like every other error: scripts and people read the first line of stderr.
      String message = String.join(" ", ex.getMessage().strip().split("\\R+"));
      ctx.err.println("kanban: " + message + "; see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
      if (json) {
        ctx.out.println(Json.pretty(ErrorJson.of("usage", ex.getMessage())));
      }
      return ExitCode.USAGE;
    });
    return cl.execute(args);
  }

  static CommandLine commandLine(CliContext ctx) {
    CommandLine cl = new CommandLine(new KanbanCommand(), new Factory(ctx));
    cl.setOut(new PrintWriter(ctx.out, true));
    cl.setErr(new PrintWriter(ctx.err, true));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  private static int failure(CliContext ctx, Exception ex, boolean json) {
    if (ex instanceof KanbanException k) {
      ctx.err.println("kanban: " + k.getMessage());
      if (json) {
        ctx.out.println(Json.pretty(ErrorJson.of(k.kind(), k.getMessage())));
      }
      return ExitCode.of(k.kind());
    }
    String message = "internal error: " + ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
    ctx.err.println("kanban: " + message);
    if ("1".equals(ctx.env.get("KANBAN_DEBUG"))) {
      ex.printStackTrace(ctx.err);
    } else {
      ctx.err.println("kanban: set KANBAN_DEBUG=1 to see the stack trace, and please report it");
    }
    if (json) {
      ctx.out.println(Json.pretty(ErrorJson.of("internal", message)));
    }
    return ExitCode.FAILED;
  }

  /** Gives every command that wants it the context, through a constructor taking {@link CliContext}. */
  private record Factory(CliContext ctx) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      for (Constructor<?> c : cls.getDeclaredConstructors()) {
        if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == CliContext.class) {
          c.setAccessible(true);
          return cls.cast(c.newInstance(ctx));
        }
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }
}
