package dev.gatehouse.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;

/**
 * Reads the TOML file, applies {@code GATEHOUSE_SECTION_KEY} environment overrides and checks every
 * value against {@link Settings}. Any problem is a {@link ConfigException} naming the key, thrown
 * before anything else starts.
 */
public final class ConfigLoader {
  private static final Set<String> SECTIONS =
      Settings.ALL.stream()
          .map(s -> s.key().substring(0, s.key().indexOf('.')))
          .collect(Collectors.toSet());

  private ConfigLoader() {}

  /**
   * @param file the TOML file, or null for none
   * @param env the process environment
   */
  public static Config load(@Nullable Path file, Map<String, String> env) {
    TomlParseResult toml = file == null ? Toml.parse("") : parse(file);
    String where = file == null ? "" : file.getFileName().toString();
    rejectUnknownKeys(toml, where);
    rejectUnknownEnv(env);
    Map<String, Object> values = new HashMap<>();
    for (Setting setting : Settings.ALL) {
      String override = env.get(setting.envName());
      Object value;
      String origin;
      if (override != null) {
        origin = "environment variable " + setting.envName();
        value = fromEnv(setting, override, origin);
      } else if (toml.contains(setting.key())) {
        origin = at(where, toml.inputPositionOf(setting.key()));
        value = fromToml(setting, toml.get(setting.key()), origin);
      } else {
        origin = "default";
        value = setting.fallback();
      }
      if (!setting.accepts().test(value)) {
        throw new ConfigException(
            setting.key(),
            "expected " + setting.expected() + ", got " + quote(value) + origin(origin));
      }
      values.put(setting.key(), value);
    }
    return Config.from(values);
  }

  private static TomlParseResult parse(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config", "file not found: " + file);
    } catch (IOException e) {
      throw new ConfigException("config", "cannot read " + file + ": " + e);
    }
    TomlParseResult toml = Toml.parse(text);
    if (toml.hasErrors()) {
      var error = toml.errors().get(0);
      throw new ConfigException(
          "config",
          "invalid TOML in "
              + at(file.getFileName().toString(), error.position())
              + ": "
              + error.getMessage());
    }
    return toml;
  }

  private static void rejectUnknownKeys(TomlParseResult toml, String where) {
    Set<String> known = Settings.ALL.stream().map(Setting::key).collect(Collectors.toSet());
    // Tables too, so that a misspelt section is reported even when it is empty.
    for (String key : new TreeSet<>(toml.dottedKeySet(true))) {
      boolean table = toml.isTable(key);
      if (table ? !SECTIONS.contains(key) : !known.contains(key)) {
        throw new ConfigException(
            key,
            "unknown "
                + (table ? "section" : "key")
                + origin(at(where, toml.inputPositionOf(key))));
      }
    }
  }

  /** A typo in an override would otherwise be silently ignored; known sections must match a key. */
  private static void rejectUnknownEnv(Map<String, String> env) {
    Set<String> known = Settings.ALL.stream().map(Setting::envName).collect(Collectors.toSet());
    for (String name : new TreeSet<>(env.keySet())) {
      for (String section : SECTIONS) {
        String prefix = "GATEHOUSE_" + section.toUpperCase(Locale.ROOT) + "_";
        if (name.startsWith(prefix) && !known.contains(name)) {
          throw new ConfigException(
              section + "." + name.substring(prefix.length()).toLowerCase(Locale.ROOT),
              "unknown key (from environment variable " + name + ")");
        }
      }
    }
  }

  private static Object fromToml(Setting setting, @Nullable Object raw, String origin) {
    boolean ok =
        switch (setting.type()) {
          case STRING -> raw instanceof String;
          case INTEGER -> raw instanceof Long;
          case BOOLEAN -> raw instanceof Boolean;
        };
    if (!ok || raw == null) {
      throw new ConfigException(
          setting.key(), "expected " + typeName(setting) + ", got " + quote(raw) + origin(origin));
    }
    return raw;
  }

  private static Object fromEnv(Setting setting, String raw, String origin) {
    String value = raw.trim();
    return switch (setting.type()) {
      case STRING -> raw;
      case INTEGER -> {
        try {
          yield Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new ConfigException(
              setting.key(), "expected an integer, got " + quote(raw) + origin(origin));
        }
      }
      case BOOLEAN -> {
        if (!value.equals("true") && !value.equals("false")) {
          throw new ConfigException(
              setting.key(), "expected true or false, got " + quote(raw) + origin(origin));
        }
        yield Boolean.parseBoolean(value);
      }
    };
  }

  private static String typeName(Setting setting) {
    return switch (setting.type()) {
      case STRING -> "a string";
      case INTEGER -> "an integer";
      case BOOLEAN -> "true or false";
    };
  }

  private static String quote(@Nullable Object value) {
    return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
  }

  private static String at(String where, @Nullable TomlPosition position) {
    return position == null ? where : where + " line " + position.line();
  }

  private static String origin(String origin) {
    return origin.isBlank() ? "" : " (" + origin.strip() + ")";
  }
}
