package org.agentkanban.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.agentkanban.api.ApiContext;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.store.sqlite.SqliteEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A board on a network file system is refused by the gateway (its WAL would need shared memory
 * and locks across hosts) unless the operator forces it, and then the risk is shown in health.
 * The mount type comes from a given mountinfo text, the way /proc/self/mountinfo reads.
 */
class NetworkFileSystemTest {
  @TempDir Path home;

  private List<String> mountinfo() {
    return List.of(
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
        "40 22 0:40 / " + home.toAbsolutePath() + "/boards/remote rw,relatime shared:9 - nfs4 fileserver:/export/kanban rw,vers=4.2");
  }

  private Gateway.MountLookup lookup() {
    List<String> table = mountinfo();
    return path -> SqliteEnvironment.mountOf(path.toAbsolutePath().normalize(), table);
  }

  private static ApiContext.BoardHealth healthOf(GatewayHarness h, String board) {
    return h.gateway.health().boards().stream().filter(b -> b.board().equals(board)).findFirst().orElse(null);
  }

  @Test
  void theMountinfoTableNamesTheFileSystemHoldingAPath() {
    List<String> table = mountinfo();
    assertThat(SqliteEnvironment.mountOf(home.resolve("boards/remote/board.db").toAbsolutePath(), table))
        .hasValueSatisfying(m -> {
          assertThat(m.type()).isEqualTo("nfs4");
          assertThat(m.source()).isEqualTo("fileserver:/export/kanban");
          assertThat(m.isNetwork()).isTrue();
        });
    assertThat(SqliteEnvironment.mountOf(home.resolve("boards/default").toAbsolutePath(), table))
        .hasValueSatisfying(m -> assertThat(m.isNetwork()).isFalse());
    for (String network : List.of("nfs", "cifs", "smb3", "9p", "virtiofs", "fuse.sshfs", "ceph")) {
      assertThat(new SqliteEnvironment.Mount("/m", network, "x").isNetwork()).as(network).isTrue();
    }
    for (String local : List.of("ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs")) {
      assertThat(new SqliteEnvironment.Mount("/m", local, "x").isNetwork()).as(local).isFalse();
    }
  }

  @Test
  void aBoardOnANetworkFileSystemIsRefusedWithTheReasonWhileOtherBoardsAreServed() {
    try (GatewayHarness h = GatewayHarness.setup(home, "gateway:\n  safety_tick: 1s\n").mounts(lookup()).api().start()) {
      h.board("remote");
      await().atMost(Duration.ofSeconds(10)).until(() -> healthOf(h, "remote") != null);

      ApiContext.BoardHealth remote = healthOf(h, "remote");
      assertThat(remote.status()).isEqualTo("unavailable");
      assertThat(remote.dispatching()).isFalse();
      assertThat(remote.cause()).contains("network file system (nfs4 at " + home.toAbsolutePath() + "/boards/remote)")
          .contains("--force");
      assertThat(healthOf(h, "default").status()).isEqualTo("healthy");
      assertThat(healthOf(h, "default").dispatching()).isTrue();
      assertThat(h.gateway.health().status()).isEqualTo("degraded");
      assertThatThrownBy(() -> h.gateway.board("remote")).isInstanceOfSatisfying(KanbanException.class, e -> {
        assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("network file system").contains("--force");
      });

      // The CLI shows it too: the state, the cause and the way out.
      var status = h.cli().run("gateway", "status");
      assertThat(status.exit()).isZero();
      assertThat(status.out()).contains("Health: degraded")
          .contains("board 'remote' is unavailable: cannot be opened: board 'remote' is on a network file system")
          .contains("way out:").doesNotContain("board 'default'");
    }
  }

  @Test
  void withForceTheBoardIsServedAndHealthCarriesTheWarning() {
    try (GatewayHarness h = GatewayHarness.setup(home, "gateway:\n  safety_tick: 1s\n").mounts(lookup())
        .allowNetworkFileSystem().start()) {
      h.board("remote");
      await().atMost(Duration.ofSeconds(10)).until(() -> healthOf(h, "remote") != null);

      ApiContext.BoardHealth remote = healthOf(h, "remote");
      assertThat(remote.status()).isEqualTo("healthy");
      assertThat(remote.dispatching()).isTrue();
      assertThat(remote.warning()).contains("network file system (nfs4").contains("--force");
      assertThat(healthOf(h, "default").warning()).isNull();
      assertThat(h.gateway.board("remote")).isNotNull();
    }
  }
}
