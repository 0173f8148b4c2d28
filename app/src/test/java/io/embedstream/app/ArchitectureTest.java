package io.embedstream.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the modules promise, checked on the compiled main classes of every module (this module sees them
 * all). Maven already refuses a dependency that a module's pom lacks; these rules also catch what a pom would
 * allow, e.g. a Flink type creeping into serving through a transitive dependency, and cycles between packages.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.embedstream");
    }

    @Test
    void typesKnowNoLibrary() {
        check(noClasses().that().resideInAPackage("io.embedstream.types..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.embedstream.types..", "java..")
                .because("the shared value types are plain Java, usable by every module"));
    }

    @Test
    void modelKnowsNoFlinkNoKafkaAndNoOtherModule() {
        check(noClasses().that().resideInAPackage("io.embedstream.model..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink..", "org.apache.kafka..",
                        "kafka..", "io.embedstream.connectors..", "io.embedstream.serving..",
                        "io.embedstream.pipeline..", "io.embedstream.experiments..", "io.embedstream.broker..",
                        "io.embedstream.app..")
                .because("model is plain Java + DJL + EJML: training and metrics without a stream"));
    }

    @Test
    void connectorsKnowNoTrainingNoDjlNoKafkaServer() {
        check(noClasses().that().resideInAPackage("io.embedstream.connectors..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "org.ejml..", "io.embedstream.model..",
                        "org.apache.flink..", "kafka..", "scala..", "io.embedstream.broker..",
                        "io.embedstream.serving..", "io.embedstream.pipeline..", "io.embedstream.experiments..")
                .because("the wire formats must be usable by any Kafka client without DJL, Flink or a broker"));
    }

    @Test
    void servingKnowsNoFlinkNoKafkaServer() {
        check(noClasses().that().resideInAPackage("io.embedstream.serving..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink..", "kafka..", "scala..",
                        "io.embedstream.broker..", "io.embedstream.pipeline..", "io.embedstream.experiments..")
                .because("a service that follows published models depends on serving alone"));
    }

    @Test
    void brokerIsNoLibraryDependency() {
        check(noClasses().that().resideInAnyPackage("io.embedstream.types..", "io.embedstream.model..",
                        "io.embedstream.connectors..", "io.embedstream.serving..")
                .should().dependOnClassesThat().resideInAPackage("io.embedstream.broker..")
                .because("the embedded broker brings Kafka's server and Scala, which no library user should get"));
    }

    @Test
    void onlyTheLauncherKnowsTheExperiments() {
        check(noClasses().that().resideOutsideOfPackages("io.embedstream.experiments..", "io.embedstream.app..")
                .should().dependOnClassesThat().resideInAPackage("io.embedstream.experiments..")
                .because("experiments are built on the product, never the other way round"));
    }

    @Test
    void modulesHaveNoCycles() {
        check(slices().matching("io.embedstream.(*)..").should().beFreeOfCycles());
    }

    @Test
    void packagesHaveNoCycles() {
        check(slices().matching("io.embedstream.(**)").should().beFreeOfCycles());
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }
}
