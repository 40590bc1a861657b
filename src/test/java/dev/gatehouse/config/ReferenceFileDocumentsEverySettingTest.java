package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

/** The reference file is the documentation of {@link Settings#ALL}; the two must never drift. */
class ReferenceFileDocumentsEverySettingTest {
  private static final Path REFERENCE = Path.of("config/gatehouse.reference.toml");

  @Test
  void referenceFileHasExactlyTheKeysAndDefaultsOfTheCode() throws IOException {
    TomlParseResult toml = Toml.parse(REFERENCE);
    assertThat(toml.errors()).isEmpty();

    Map<String, Object> documented = new LinkedHashMap<>();
    for (String key : toml.dottedKeySet()) {
      documented.put(key, toml.get(key));
    }
    Map<String, Object> inCode =
        Settings.ALL.stream()
            .collect(
                Collectors.toMap(Setting::key, Setting::fallback, (a, b) -> a, LinkedHashMap::new));

    assertThat(documented).containsExactlyInAnyOrderEntriesOf(inCode);
  }

  @Test
  void everyKeyNamesTheEnvironmentVariableThatOverridesIt() throws IOException {
    List<String> lines = Files.readAllLines(REFERENCE);
    TomlParseResult toml = Toml.parse(REFERENCE);
    for (Setting setting : Settings.ALL) {
      int keyLine = toml.inputPositionOf(setting.key()).line() - 1;
      int commentStart = keyLine;
      while (commentStart > 0 && lines.get(commentStart - 1).startsWith("#")) {
        commentStart--;
      }
      assertThat(lines.subList(commentStart, keyLine))
          .as("comment above %s", setting.key())
          .contains("# overridden by: " + setting.envName());
    }
  }

  @Test
  void loadingTheReferenceFileChangesNothing() {
    assertThat(ConfigLoader.load(REFERENCE, Map.of())).isEqualTo(Config.defaults());
  }
}
