package dev.gatehouse;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * root ({@code dev.gatehouse} itself) → edge → domain → base, and nothing back. A new package is
 * added to {@link #LAYERS} and every rule covers it; a package missing there fails the build.
 */
class PackagesDependInOneDirectionTest {
  private static final String ROOT = "dev.gatehouse";

  enum Layer {
    /** What the outside talks to: HTTP APIs and protocols. Never each other. */
    EDGE,
    /** The features' rules, SQL and events. Never HTTP. */
    DOMAIN,
    /** Plumbing every feature may use. */
    BASE
  }

  /** Every package below {@code dev.gatehouse} (with its subpackages) and its layer. */
  private static final Map<String, Layer> LAYERS =
      Map.ofEntries(
          Map.entry("admin", Layer.EDGE),
          Map.entry("login", Layer.EDGE),
          Map.entry("forwardauth", Layer.EDGE),
          Map.entry("oidc", Layer.EDGE),
          Map.entry("user", Layer.DOMAIN),
          Map.entry("session", Layer.DOMAIN),
          Map.entry("device", Layer.DOMAIN),
          Map.entry("app", Layer.DOMAIN),
          Map.entry("client", Layer.DOMAIN),
          Map.entry("apikey", Layer.DOMAIN),
          Map.entry("signing", Layer.DOMAIN),
          Map.entry("token", Layer.DOMAIN),
          Map.entry("mfa", Layer.DOMAIN),
          Map.entry("audit", Layer.BASE),
          Map.entry("store", Layer.BASE),
          Map.entry("event", Layer.BASE),
          Map.entry("crypto", Layer.BASE),
          Map.entry("config", Layer.BASE),
          Map.entry("metrics", Layer.BASE),
          Map.entry("web", Layer.BASE),
          Map.entry("failure", Layer.BASE),
          Map.entry("throttle", Layer.BASE),
          Map.entry("net", Layer.BASE));

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
  }

  @Test
  void everyPackageHasALayerAndEveryListedPackageExists() {
    Set<String> topLevel =
        packageNames().stream()
            .filter(name -> !name.equals(ROOT))
            .map(name -> name.substring(ROOT.length() + 1).split("\\.")[0])
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(topLevel).isEqualTo(new TreeSet<>(LAYERS.keySet()));
  }

  @Test
  void everyPackageSaysWhatItOwnsInPackageInfo() throws IOException {
    for (String name : packageNames()) {
      Path info = Path.of("src/main/java", name.replace('.', '/'), "package-info.java");
      assertThat(info).as("package-info.java of %s", name).exists();
      assertThat(Files.readString(info)).as("doc comment in %s", info).contains("/**");
    }
  }

  @Test
  void layersDependOnlyDownwards() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("root")
        .definedBy(ROOT)
        .layer("edge")
        .definedBy(packagesOf(Layer.EDGE))
        .layer("domain")
        .definedBy(packagesOf(Layer.DOMAIN))
        .layer("base")
        .definedBy(packagesOf(Layer.BASE))
        .whereLayer("root")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("edge")
        .mayOnlyBeAccessedByLayers("root")
        .whereLayer("domain")
        .mayOnlyBeAccessedByLayers("root", "edge")
        .whereLayer("base")
        .mayOnlyBeAccessedByLayers("root", "edge", "domain")
        .check(classes);
  }

  @Test
  void edgePackagesNeverUseEachOther() {
    String[] edges = packagesOf(Layer.EDGE);
    for (String edge : edges) {
      String[] others = Arrays.stream(edges).filter(o -> !o.equals(edge)).toArray(String[]::new);
      if (others.length > 0) {
        noClasses()
            .that()
            .resideInAPackage(edge)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(others)
            .check(classes);
      }
    }
  }

  @Test
  void domainPackagesKnowNothingOfHttp() {
    noClasses()
        .that()
        .resideInAnyPackage(packagesOf(Layer.DOMAIN))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ROOT + ".web..", "io.vertx..", "io.netty..")
        .check(classes);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
  }

  private static Set<String> packageNames() {
    return classes.stream()
        .map(JavaClass::getPackageName)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** ArchUnit package patterns of one layer, each with its subpackages. */
  private static String[] packagesOf(Layer layer) {
    return LAYERS.entrySet().stream()
        .filter(e -> e.getValue() == layer)
        .map(e -> ROOT + "." + e.getKey() + "..")
        .sorted()
        .toArray(String[]::new);
  }
}
