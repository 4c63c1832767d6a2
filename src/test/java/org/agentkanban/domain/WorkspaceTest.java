package org.agentkanban.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkspaceTest {

  @Test
  void nothingOrScratchMeansAScratchWorkspace() {
    assertThat(Workspace.parse(null)).isEqualTo(Workspace.SCRATCH);
    assertThat(Workspace.parse(" ")).isEqualTo(Workspace.SCRATCH);
    assertThat(Workspace.parse("scratch")).isEqualTo(Workspace.SCRATCH);
  }

  @Test
  void aWorktreeMayHaveAPath() {
    assertThat(Workspace.parse("worktree")).isEqualTo(new Workspace(Workspace.Kind.WORKTREE, null));
    assertThat(Workspace.parse("worktree:/srv/repo")).isEqualTo(new Workspace(Workspace.Kind.WORKTREE, "/srv/repo"));
  }

  @Test
  void aDirWorkspaceKeepsItsAbsolutePath() {
    Workspace w = Workspace.parse("dir:/home/me/project");
    assertThat(w.kind()).isEqualTo(Workspace.Kind.DIR);
    assertThat(w.path()).isEqualTo("/home/me/project");
  }

  @Test
  void pathsAreNormalised() {
    assertThat(Workspace.parse("dir:/home/me/../you/./project/").path()).isEqualTo("/home/you/project");
    assertThat(Workspace.parse("worktree:/a//b").path()).isEqualTo("/a/b");
  }

  @Test
  void aRelativeDirIsRefusedWithTheAbsoluteSuggestion() {
    assertThatThrownBy(() -> Workspace.parse("dir:project"))
        .isInstanceOfSatisfying(KanbanException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT))
        .hasMessageStartingWith("dir: path must be absolute, got 'project' (try dir:/");
    assertThatThrownBy(() -> Workspace.parse("dir:../escape")).hasMessageContaining("must be absolute");
    assertThatThrownBy(() -> Workspace.parse("worktree:repo")).hasMessageStartingWith("worktree: path must be absolute");
  }

  @Test
  void aDirWithoutAPathIsRefused() {
    assertThatThrownBy(() -> Workspace.parse("dir:")).hasMessageStartingWith("dir: needs a path");
    assertThatThrownBy(() -> Workspace.parse("dir")).hasMessageStartingWith("bad workspace 'dir'");
  }

  @ParameterizedTest(name = "''{0}'' is refused")
  @ValueSource(strings = {"tmp", "file:/x", "Scratch", "dirs:/x", "/abs/path"})
  void unknownKindsAreRefused(String spec) {
    assertThatThrownBy(() -> Workspace.parse(spec))
        .isInstanceOf(KanbanException.class)
        .hasMessageContaining("expected scratch, dir:<absolute path>, worktree or worktree:<absolute path>");
  }

  @Test
  void controlCharactersInAPathAreRefused() {
    assertThatThrownBy(() -> Workspace.parse("dir:/tmp/a\nb")).hasMessage("dir: path contains control characters");
  }

  @Test
  void theSpecParsesBackToTheSameWorkspace() {
    for (String spec : new String[] {"scratch", "worktree", "worktree:/r", "dir:/x/y"}) {
      assertThat(Workspace.parse(Workspace.parse(spec).spec())).isEqualTo(Workspace.parse(spec));
      assertThat(Workspace.parse(spec).spec()).isEqualTo(spec);
    }
  }

  @Test
  void aDirWorkspaceCannotBeBuiltWithoutAPath() {
    assertThatThrownBy(() -> new Workspace(Workspace.Kind.DIR, null)).isInstanceOf(IllegalArgumentException.class);
  }
}
