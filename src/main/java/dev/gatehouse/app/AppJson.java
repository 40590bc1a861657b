package dev.gatehouse.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.List;

/**
 * An app's rules and its bearer-token acceptance are stored as JSON columns: they are always read
 * and written whole.
 */
final class AppJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
  private static final TypeReference<List<Rule>> RULES = new TypeReference<>() {};

  private AppJson() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("app columns are plain records", e);
    }
  }

  static List<Rule> rules(String json) {
    try {
      return List.copyOf(MAPPER.readValue(json, RULES));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored rules are not valid JSON", e);
    }
  }

  static BearerTokens bearerTokens(String json) {
    try {
      return MAPPER.readValue(json, BearerTokens.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored bearer tokens are not valid JSON", e);
    }
  }
}
