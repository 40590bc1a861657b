package dev.gatehouse.config;

import java.util.function.Predicate;

/**
 * One configuration key: where it lives, what type it has, its default and what values it accepts.
 *
 * @param key dotted TOML key, {@code section.name}
 * @param type the TOML type the value must have
 * @param fallback the default when neither the file nor the environment sets the key
 * @param accepts whether a value of the right type is in range
 * @param expected how the accepted values are described in an error message
 */
public record Setting(
    String key, Type type, Object fallback, Predicate<Object> accepts, String expected) {

  /** The value types a setting can have. */
  public enum Type {
    STRING,
    INTEGER,
    BOOLEAN
  }

  static Setting string(String key, String fallback, Predicate<String> accepts, String expected) {
    return new Setting(key, Type.STRING, fallback, v -> accepts.test((String) v), expected);
  }

  static Setting integer(String key, long fallback, long min, long max) {
    return new Setting(
        key,
        Type.INTEGER,
        fallback,
        v -> (Long) v >= min && (Long) v <= max,
        "an integer from " + min + " to " + max);
  }

  static Setting bool(String key, boolean fallback) {
    return new Setting(key, Type.BOOLEAN, fallback, v -> true, "true or false");
  }

  /** The environment variable that overrides this key: {@code GATEHOUSE_SECTION_NAME}. */
  public String envName() {
    return "GATEHOUSE_" + key.replace('.', '_').toUpperCase(java.util.Locale.ROOT);
  }
}
