package dev.gatehouse.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.gatehouse.failure.Failure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** JSON in and out: snake_case field names, ISO-8601 instants, unknown fields rejected. */
public final class Json {
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

  static {
    // "email": 5 is a client bug to report, not a string to invent.
    for (LogicalType type :
        new LogicalType[] {LogicalType.Textual, LogicalType.Boolean, LogicalType.Integer}) {
      MAPPER
          .coercionConfigFor(type)
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }
    MAPPER
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
    MAPPER
        .coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
    MAPPER
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.TryConvert);
  }

  private Json() {}

  /** Reads the request body as {@code type}; malformed input is a {@link Failure.Invalid}. */
  public static <T> T read(RoutingContext request, Class<T> type) {
    byte[] body = requireBody(request);
    return mapped(() -> MAPPER.readValue(body, type));
  }

  /** A PATCH body as {@code type}, and the fields it set to an explicit {@code null}. */
  public record Patch<T>(T value, Set<String> nulls) {}

  /**
   * Reads a PATCH body: absent fields stay as they are, and {@code nulls} names the fields sent as
   * {@code null}, which a merge patch (RFC 7396) clears; the record alone cannot tell them apart.
   */
  public static <T> Patch<T> readPatch(RoutingContext request, Class<T> type) {
    byte[] body = requireBody(request);
    JsonNode tree = mapped(() -> MAPPER.readTree(body));
    Set<String> nulls = new TreeSet<>();
    tree.properties()
        .forEach(
            field -> {
              if (field.getValue().isNull()) {
                nulls.add(field.getKey());
              }
            });
    return new Patch<>(mapped(() -> MAPPER.treeToValue(tree, type)), Set.copyOf(nulls));
  }

  private interface Reading<T> {
    @Nullable T read() throws IOException;
  }

  private static byte[] requireBody(RoutingContext request) {
    Buffer body = request.body().buffer();
    if (body == null || body.length() == 0) {
      throw new Failure.Invalid(null, "a JSON request body is required");
    }
    return body.getBytes();
  }

  /** The value {@code reading} gives, with Jackson's errors turned into field-naming 400s. */
  private static <T> T mapped(Reading<T> reading) {
    try {
      T value = reading.read();
      if (value == null || (value instanceof JsonNode node && !node.isObject())) {
        throw new Failure.Invalid(null, "the request body must be a JSON object");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw new Failure.Invalid(e.getPropertyName(), "unknown field " + e.getPropertyName());
    } catch (MismatchedInputException e) {
      String field = fieldOf(e);
      throw new Failure.Invalid(
          field.isEmpty() ? null : field,
          field.isEmpty() ? "the request body must be a JSON object" : "wrong type for " + field);
    } catch (JsonProcessingException e) {
      throw new Failure.Invalid(null, "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new Failure.Invalid(null, "could not read the request body");
    }
  }

  /** Sends {@code body} as JSON with {@code status}. */
  public static void send(RoutingContext ctx, int status, Object body) {
    send(ctx.response(), status, body);
  }

  /** Sends {@code body} as JSON with {@code status}. */
  public static void send(HttpServerResponse response, int status, Object body) {
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + body.getClass(), e);
    }
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(bytes));
  }

  private static String fieldOf(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }
}
