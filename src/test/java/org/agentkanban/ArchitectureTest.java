package org.agentkanban;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The layers of docs/ARCHITECTURE.md, enforced: dependencies point down only, and no cycles. */
class ArchitectureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("org.agentkanban");

  @Test
  void layersDependDownwardOnly() {
    // api and remote take store's query records (TaskQuery, TaskSort) because BoardService.list does.
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
        .layer("domain").definedBy("org.agentkanban.domain..")
        .layer("store").definedBy("org.agentkanban.store")
        .layer("sqlite").definedBy("org.agentkanban.store.sqlite..")
        .layer("wire").definedBy("org.agentkanban.wire..")
        .layer("config").definedBy("org.agentkanban.config..")
        .layer("service").definedBy("org.agentkanban.service..")
        .layer("gateway").definedBy("org.agentkanban.gateway..")
        .layer("api").definedBy("org.agentkanban.api..")
        .layer("remote").definedBy("org.agentkanban.remote..")
        .layer("bench").definedBy("org.agentkanban.bench..")
        .layer("cli").definedBy("org.agentkanban.cli..")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("bench").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("remote").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("api").mayOnlyBeAccessedByLayers("gateway", "cli", "bench")
        .whereLayer("gateway").mayOnlyBeAccessedByLayers("cli", "bench")
        .whereLayer("service").mayOnlyBeAccessedByLayers("gateway", "api", "remote", "cli", "bench")
        .whereLayer("sqlite").mayOnlyBeAccessedByLayers("gateway", "cli", "bench")
        .whereLayer("config").mayOnlyBeAccessedByLayers("service", "gateway", "api", "remote", "cli", "bench")
        .whereLayer("wire").mayOnlyBeAccessedByLayers("service", "gateway", "api", "remote", "cli", "bench")
        .whereLayer("store").mayOnlyBeAccessedByLayers("sqlite", "service", "gateway", "api", "remote", "cli", "bench")
        .check(MAIN);
  }

  @Test
  void domainUsesOnlyTheJdk() {
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes()
        .that().resideInAPackage("org.agentkanban.domain..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("org.agentkanban.domain..", "java..")
        .check(MAIN);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("org.agentkanban.(**)").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void theApiAndTheRemoteClientHoldNoRulesOrStorage() {
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
        .that().resideInAnyPackage("org.agentkanban.api..", "org.agentkanban.remote..")
        .should().dependOnClassesThat().resideInAnyPackage("org.agentkanban.store.sqlite..")
        .orShould().dependOnClassesThat().haveSimpleName("StateMachine")
        .orShould().dependOnClassesThat().haveSimpleName("BoardStore")
        .check(MAIN);
  }

  @Test
  void onlyTheSqliteStoreTalksToSqlite() {
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
        .that().resideOutsideOfPackages("org.agentkanban.store.sqlite..", "org.agentkanban.bench..")
        .should().dependOnClassesThat().resideInAnyPackage("org.sqlite..", "java.sql..")
        .check(MAIN);
  }
}
