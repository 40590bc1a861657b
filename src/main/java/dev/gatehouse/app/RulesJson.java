package dev.gatehouse.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.List;

/** An app's rules are stored as one JSON array: they are always read and written whole. */
final class RulesJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
  private static final TypeReference<List<Rule>> RULES = new TypeReference<>() {};

  private RulesJson() {}

  static String write(List<Rule> rules) {
    try {
      return MAPPER.writeValueAsString(rules);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("rules are plain records", e);
    }
  }

  static List<Rule> read(String json) {
    try {
      return List.copyOf(MAPPER.readValue(json, RULES));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored rules are not valid JSON", e);
    }
  }
}
