package io.offload;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layout rules of README's Architecture section, checked on the compiled main classes: the
 * build fails on any package cycle, on an API package that reaches into an implementation, on a
 * part that reaches into the engine's implementation (the composition root), and on a JUCX type
 * in a public signature other than the deliberate accessors.
 */
class ArchitectureTest {

  private static JavaClasses main;

  /** The JUCX types a public API signature may carry: the endpoint, and the worker and context for code on the progress thread. */
  private static final Set<String> JUCX_ACCESSORS = Set.of(
      "io.offload.engine.OffloadEngine.ucpWorker", "io.offload.engine.OffloadEngine.ucpContext",
      "io.offload.engine.EngineOptions.getUcpWorker", "io.offload.engine.EngineOptions.setUcpWorker",
      "io.offload.engine.EngineOptions.getUcpContext", "io.offload.engine.EngineOptions.setUcpContext",
      "io.offload.ucx.UcxFeatures.requiredParams",
      "io.offload.context.Peer.endpoint", "io.offload.cache.Handle.endpoint");

  @BeforeAll
  static void importMain() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.offload");
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.offload.(**)").should().beFreeOfCycles().check(main);
  }

  @Test
  void apiPackagesNeverImportAnImplementation() {
    noClasses().that().resideOutsideOfPackages("..impl..")
        .and().resideOutsideOfPackages("io.offload.cli..", "io.offload.verticles..")
        .should().dependOnClassesThat().resideInAPackage("..impl..")
        .check(main);
  }

  @Test
  void applicationsUseTheApiOnly() {
    noClasses().that().resideInAnyPackage("io.offload.cli..", "io.offload.verticles..")
        .should().dependOnClassesThat().resideInAPackage("..impl..")
        .check(main);
  }

  @Test
  void examplesUseTheApiOnly() {
    // they are what a user copies: compiled with the tests, so imported on their own
    JavaClasses examples = new ClassFileImporter().importPackages("io.offload.examples");
    noClasses().should().dependOnClassesThat().resideInAPackage("..impl..").check(examples);
  }

  @Test
  void noPartImportsTheEngineImplementation() {
    noClasses().that().resideOutsideOfPackage("io.offload.engine.impl")
        .should().dependOnClassesThat().resideInAPackage("io.offload.engine.impl")
        .check(main);
  }

  @Test
  void jucxTypesAppearInPublicSignaturesOnlyInTheDeliberateAccessors() {
    methods().that().arePublic()
        .and().areDeclaredInClassesThat(new DescribedPredicate<>("are public API types") {
          @Override
          public boolean test(JavaClass c) {
            return c.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC)
                && !c.getPackageName().contains(".impl") && !c.getPackageName().startsWith("io.offload.cli")
                && !c.getPackageName().startsWith("io.offload.verticles");
          }
        })
        .should(new ArchCondition<>("carry no JUCX type, except " + JUCX_ACCESSORS) {
          @Override
          public void check(JavaMethod m, ConditionEvents events) {
            boolean jucx = Stream.concat(Stream.of(m.getRawReturnType()), m.getRawParameterTypes().stream())
                .anyMatch(t -> t.getPackageName().startsWith("org.openucx"));
            String name = m.getOwner().getName() + "." + m.getName();
            if (jucx && !JUCX_ACCESSORS.contains(name)) {
              events.add(SimpleConditionEvent.violated(m, name + " has a JUCX type in its signature"));
            }
          }
        })
        .check(main);
  }
}
