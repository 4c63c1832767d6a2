package org.agentkanban.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.Clock;
import org.agentkanban.service.Boards;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.service.ServiceSettings;
import org.agentkanban.testkit.TempHome;

/** A gateway on a temporary home with real worker processes, for tests. Close it. */
final class GatewayHarness implements AutoCloseable {
  final Path home;
  final Boards boards;
  final Gateway gateway;
  private final LocalBoardService client;

  GatewayHarness(Path home, String configYaml) {
    this(home, configYaml, null, Clock.SYSTEM);
  }

  GatewayHarness(Path home, String configYaml, ProcessControl control, Clock clock) {
    this.home = home;
    try {
      Files.createDirectories(home);
      Files.writeString(home.resolve("config.yaml"), configYaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.boards = TempHome.boards(home, clock, ServiceSettings.defaults(), true);
    Map<String, String> env = new HashMap<>(System.getenv());
    this.gateway = new Gateway(new KanbanHome(home), boards, env, clock,
        new Gateway.Options(null, null, null, control), null);
    gateway.start();
    this.client = boards.open("default", null);
  }

  /** A second, independent connection to the default board: what a CLI process would do. */
  LocalBoardService board() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    gateway.stop(true);
  }
}
