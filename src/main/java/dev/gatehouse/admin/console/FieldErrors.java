package dev.gatehouse.admin.console;

import dev.gatehouse.admin.ManagedObjects;
import dev.gatehouse.failure.Failure;
import java.util.Map;

/**
 * Why a form was refused, by field, to show next to it; {@code general} for what names no field (or
 * a field the form does not show).
 */
public record FieldErrors(Map<String, String> fields, String general) {
  public static final FieldErrors NONE = new FieldErrors(Map.of(), "");

  /**
   * The facade's refusal: its field's message, or a general one (as is a refusal of the whole
   * object, which a provisioning file manages).
   */
  static FieldErrors of(Failure failure) {
    String message = String.valueOf(failure.getMessage());
    return failure.field() == null || failure.field().equals(ManagedObjects.FIELD)
        ? new FieldErrors(Map.of(), message)
        : new FieldErrors(Map.of(failure.field(), message), "");
  }

  /** The message for {@code field}, or empty. */
  public String of(String field) {
    return fields.getOrDefault(field, "");
  }

  public boolean has(String field) {
    return fields.containsKey(field);
  }

  /** Everything to say above the form: the general message and those of fields not shown. */
  public String above(String... shown) {
    StringBuilder all = new StringBuilder(general);
    fields.forEach(
        (field, message) -> {
          if (!java.util.Arrays.asList(shown).contains(field)) {
            all.append(all.isEmpty() ? "" : " ").append(message);
          }
        });
    return all.toString();
  }
}
