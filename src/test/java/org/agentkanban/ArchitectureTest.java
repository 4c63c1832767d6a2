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
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
        .layer("domain").definedBy("org.agentkanban.domain..")
        .layer("store").definedBy("org.agentkanban.store")
        .layer("sqlite").definedBy("org.agentkanban.store.sqlite..")
        .layer("wire").definedBy("org.agentkanban.wire..")
        .layer("config").definedBy("org.agentkanban.config..")
        .layer("service").definedBy("org.agentkanban.service..")
        .layer("api").definedBy("org.agentkanban.api..")
        .layer("gateway").definedBy("org.agentkanban.gateway..")
        .layer("bench").definedBy("org.agentkanban.bench..")
        .layer("cli").definedBy("org.agentkanban.cli..")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("bench").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("gateway").mayOnlyBeAccessedByLayers("cli", "bench")
        .whereLayer("api").mayOnlyBeAccessedByLayers("gateway", "cli", "bench")
        .whereLayer("service").mayOnlyBeAccessedByLayers("api", "gateway", "cli", "bench")
        .whereLayer("sqlite").mayOnlyBeAccessedByLayers("cli", "bench")
        .whereLayer("config").mayOnlyBeAccessedByLayers("service", "api", "gateway", "cli", "bench")
        .whereLayer("wire").mayOnlyBeAccessedByLayers("service", "api", "gateway", "cli", "bench")
        .whereLayer("store").mayOnlyBeAccessedByLayers("sqlite", "service", "api", "gateway", "cli", "bench")
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
  void onlyTheSqliteStoreTalksToSqlite() {
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
        .that().resideOutsideOfPackages("org.agentkanban.store.sqlite..", "org.agentkanban.bench..")
        .should().dependOnClassesThat().resideInAnyPackage("org.sqlite..", "java.sql..")
        .check(MAIN);
  }
}
