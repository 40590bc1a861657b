package dev.gatehouse.admin.provisioning;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.gatehouse.app.AppRequest;
import dev.gatehouse.client.ClientRequest;
import dev.gatehouse.client.Clients;
import dev.gatehouse.crypto.Passwords;
import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.web.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads a provisioning file (TOML, like the config) into a {@link Declaration}, or reports every
 * problem in it at once, each with its line and field. Secrets are never in the file in clear:
 * {@code password_hash} (an Argon2id PHC string), {@code client secret_sha256} and {@code
 * key_sha256}, or {@code *_file} (read, one trailing newline dropped; relative to the file's
 * directory; a Kubernetes secret mounts as one) and {@code *_env} (an environment variable's name).
 */
public final class ProvisioningFile {
  private static final Set<String> KINDS = Set.of("groups", "users", "apps", "clients", "api_keys");
  private static final Set<String> GROUP_KEYS = Set.of("name", "require_mfa");
  private static final Set<String> USER_KEYS =
      Set.of(
          "username",
          "email",
          "display_name",
          "disabled",
          "groups",
          "password_hash",
          "password_file",
          "password_env");
  private static final Set<String> API_KEY_KEYS =
      Set.of("name", "role", "expires_at", "key_sha256", "key_file", "key_env");
  private static final Set<String> CLIENT_SECRET_KEYS =
      Set.of("secret_sha256", "secret_file", "secret_env");

  /** A SHA-256 digest as {@code sha256sum} prints it. */
  static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /**
   * A secret read in clear must carry as much entropy as a generated one could: it is stored as a
   * fast digest, which only a long random secret makes safe.
   */
  private static final int MIN_SECRET_LENGTH = 32;

  private final Path file;
  private final String where;
  private final Function<String, @Nullable String> env;
  private final List<String> problems = new ArrayList<>();

  private ProvisioningFile(Path file, Function<String, @Nullable String> env) {
    this.file = file;
    this.where = file.toString();
    this.env = env;
  }

  /**
   * Reads {@code file}, resolving {@code *_env} references through {@code env}.
   *
   * @throws ProvisioningException listing every problem found
   */
  public static Declaration read(Path file, Function<String, @Nullable String> env) {
    return new ProvisioningFile(file.toAbsolutePath().normalize(), env).read();
  }

  private Declaration read() {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ProvisioningException(List.of(where + ": cannot read the file: " + e));
    }
    TomlParseResult toml = Toml.parse(text);
    if (toml.hasErrors()) {
      toml.errors()
          .forEach(e -> problems.add(where + ":" + e.position().line() + ": " + e.getMessage()));
      throw new ProvisioningException(problems);
    }
    for (String key : toml.keySet()) {
      if (!KINDS.contains(key)) {
        problem(toml.inputPositionOf(key), key, "unknown; expected one of " + sorted(KINDS));
      } else if (!toml.isArray(key) || !tablesOnly(toml.getArrayOrEmpty(key))) {
        problem(toml.inputPositionOf(key), key, "expected [[" + key + "]] tables");
      }
    }
    Declaration declaration =
        new Declaration(
            where,
            each(toml, "groups", "name", this::group),
            each(toml, "users", "username", this::user),
            each(toml, "apps", "name", this::app),
            each(toml, "clients", "client_id", this::client),
            each(toml, "api_keys", "name", this::apiKey));
    if (!problems.isEmpty()) {
      throw new ProvisioningException(problems);
    }
    return declaration;
  }

  private static boolean tablesOnly(TomlArray array) {
    return array.toList().stream().allMatch(TomlTable.class::isInstance);
  }

  /** One declared table, and what names it in messages: {@code users[alice]}. */
  private record Table(TomlTable toml, String label, Declaration.At at) {}

  private interface Reader<T> {
    @Nullable T read(Table table, String name);
  }

  private <T> List<T> each(TomlParseResult toml, String kind, String nameKey, Reader<T> reader) {
    List<T> read = new ArrayList<>();
    if (!toml.isArray(kind) || !tablesOnly(toml.getArrayOrEmpty(kind))) {
      return read;
    }
    TomlArray tables = toml.getArrayOrEmpty(kind);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < tables.size(); i++) {
      TomlTable table = tables.getTable(i);
      Map<String, Integer> lines = new LinkedHashMap<>();
      table.keySet().forEach(k -> lines.put(k, table.inputPositionOf(k).line()));
      Declaration.At at = new Declaration.At(tables.inputPositionOf(i).line(), lines);
      Object name = table.get(nameKey);
      if (!(name instanceof String text) || text.isBlank()) {
        problems.add(
            where + ":" + at.line() + ": " + kind + "[" + i + "]." + nameKey + ": required");
        continue;
      }
      String key = kind.equals("users") ? text.toLowerCase(Locale.ROOT) : text;
      Table t = new Table(table, kind + "[" + text + "]", at);
      if (!seen.add(key)) {
        problem(t, nameKey, "declared twice");
        continue;
      }
      T value = reader.read(t, text);
      if (value != null) {
        read.add(value);
      }
    }
    return read;
  }

  private Declaration.@Nullable Group group(Table t, String name) {
    if (!known(t, GROUP_KEYS)) {
      return null;
    }
    return new Declaration.Group(name, bool(t, "require_mfa"), t.at());
  }

  private Declaration.@Nullable User user(Table t, String username) {
    if (!known(t, USER_KEYS)) {
      return null;
    }
    String hash = text(t, "password_hash");
    if (hash != null && !Passwords.isHash(hash)) {
      problem(t, "password_hash", "expected an Argon2id PHC string ($argon2id$v=19$m=...)");
    }
    String clear = secret(t, "password", hash != null, false);
    return new Declaration.User(
        username,
        text(t, "email"),
        text(t, "display_name"),
        bool(t, "disabled"),
        strings(t, "groups"),
        hash,
        clear,
        t.at());
  }

  private Declaration.@Nullable App app(Table t, String name) {
    AppRequest request = request(t, Set.of(), AppRequest.class);
    return request == null ? null : new Declaration.App(name, request, t.at());
  }

  private Declaration.@Nullable Client client(Table t, String clientId) {
    ClientRequest request = request(t, CLIENT_SECRET_KEYS, ClientRequest.class);
    if (request == null) {
      return null;
    }
    String digest = digest(t, "secret", "secret_sha256");
    boolean isPublic = Boolean.TRUE.equals(request.publicClient());
    String method = request.tokenEndpointAuthMethod();
    boolean needsSecret = !isPublic && (method == null || method.startsWith("client_secret_"));
    if (needsSecret && digest == null && !hasSecretKey(t, "secret", "secret_sha256")) {
      problem(
          t,
          "secret_file",
          "a confidential client needs its secret: secret_file, secret_env or secret_sha256");
    } else if (!needsSecret && hasSecretKey(t, "secret", "secret_sha256")) {
      problem(t, "secret_file", "only confidential clients with client_secret_* have a secret");
    }
    return new Declaration.Client(clientId, Clients.withDefaults(request), digest, t.at());
  }

  private Declaration.@Nullable ApiKey apiKey(Table t, String name) {
    if (!known(t, API_KEY_KEYS)) {
      return null;
    }
    String digest = digest(t, "key", "key_sha256");
    if (digest == null && !hasSecretKey(t, "key", "key_sha256")) {
      problem(t, "key_file", "an API key needs its secret: key_file, key_env or key_sha256");
    }
    return new Declaration.ApiKey(
        name, text(t, "role"), instant(t, "expires_at"), digest == null ? "" : digest, t.at());
  }

  /** {@code table}'s fields, less {@code own}, as the admin API would read them from JSON. */
  private <T> @Nullable T request(Table t, Set<String> own, Class<T> type) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : t.toml().toMap().entrySet()) {
      if (!own.contains(e.getKey())) {
        fields.put(e.getKey(), plain(e.getValue()));
      }
    }
    try {
      return Json.MAPPER.convertValue(fields, type);
    } catch (IllegalArgumentException e) {
      String field = "";
      String message = "invalid";
      if (e.getCause() instanceof UnrecognizedPropertyException unknown) {
        field = unknown.getPropertyName();
        message = "unknown field";
      } else if (e.getCause() instanceof MismatchedInputException mismatch) {
        field = path(mismatch);
        message = "wrong type: " + mismatch.getOriginalMessage().split("\n", 2)[0];
      }
      problem(t, field, message);
      return null;
    }
  }

  private static String path(MismatchedInputException e) {
    StringBuilder path = new StringBuilder();
    for (var ref : e.getPath()) {
      if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      } else {
        path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
      }
    }
    return path.toString();
  }

  /** TOML values as JSON would have them: tables as maps, arrays as lists, dates as text. */
  private static @Nullable Object plain(@Nullable Object value) {
    return switch (value) {
      case TomlTable table -> {
        Map<String, Object> map = new LinkedHashMap<>();
        table.toMap().forEach((k, v) -> map.put(k, plain(v)));
        yield map;
      }
      case TomlArray array -> array.toList().stream().map(ProvisioningFile::plain).toList();
      case OffsetDateTime time -> time.toString();
      case null -> null;
      default -> value;
    };
  }

  private boolean known(Table t, Set<String> keys) {
    boolean ok = true;
    for (String key : t.toml().keySet()) {
      if (!keys.contains(key)) {
        problem(t, key, "unknown field; expected one of " + sorted(keys));
        ok = false;
      }
    }
    return ok;
  }

  private static boolean hasSecretKey(Table t, String prefix, String digestKey) {
    return t.toml().contains(prefix + "_file")
        || t.toml().contains(prefix + "_env")
        || t.toml().contains(digestKey);
  }

  /**
   * The SHA-256 of a high-entropy secret: {@code digestKey} as given, or {@code prefix_file} /
   * {@code prefix_env} read and digested.
   */
  private @Nullable String digest(Table t, String prefix, String digestKey) {
    String given = text(t, digestKey);
    if (given != null && !SHA256.matcher(given).matches()) {
      problem(t, digestKey, "expected 64 lowercase hex digits (sha256sum of the secret)");
    }
    String clear = secret(t, prefix, given != null, true);
    if (clear != null) {
      return Secrets.digest(clear);
    }
    return given;
  }

  /**
   * A secret from {@code prefix_file} or {@code prefix_env}: at most one of them (and none when
   * {@code hashGiven}); {@code random}: it must be long enough to be stored as a fast digest.
   */
  private @Nullable String secret(Table t, String prefix, boolean hashGiven, boolean random) {
    String fileKey = prefix + "_file";
    String envKey = prefix + "_env";
    String path = text(t, fileKey);
    String variable = text(t, envKey);
    int given = (hashGiven ? 1 : 0) + (path != null ? 1 : 0) + (variable != null ? 1 : 0);
    if (given > 1) {
      problem(t, path != null ? fileKey : envKey, "give the secret one way only");
      return null;
    }
    String value = null;
    String field = null;
    if (path != null) {
      field = fileKey;
      Path secretFile = file.resolveSibling(path);
      try {
        value = Files.readString(secretFile, StandardCharsets.UTF_8);
        value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2) : value;
        value = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
      } catch (IOException e) {
        problem(
            t, fileKey, "cannot read " + secretFile + " (" + e.getClass().getSimpleName() + ")");
        return null;
      }
    } else if (variable != null) {
      field = envKey;
      value = env.apply(variable);
      if (value == null) {
        problem(t, envKey, "the environment variable " + variable + " is not set");
        return null;
      }
    }
    if (value == null) {
      return null;
    }
    if (value.isEmpty()) {
      problem(t, field, "the secret is empty");
      return null;
    }
    if (random && value.length() < MIN_SECRET_LENGTH) {
      problem(
          t,
          field,
          "the secret must be at least "
              + MIN_SECRET_LENGTH
              + " characters (generate one: openssl rand -base64 32)");
      return null;
    }
    return value;
  }

  private @Nullable String text(Table t, String key) {
    Object value = t.toml().get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      problem(t, key, "expected a string");
      return null;
    }
    return s;
  }

  private boolean bool(Table t, String key) {
    Object value = t.toml().get(key);
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean b)) {
      problem(t, key, "expected true or false");
      return false;
    }
    return b;
  }

  private List<String> strings(Table t, String key) {
    Object value = t.toml().get(key);
    if (value == null) {
      return List.of();
    }
    if (value instanceof TomlArray array
        && array.toList().stream().allMatch(v -> v instanceof String)) {
      return array.toList().stream().map(String.class::cast).toList();
    }
    problem(t, key, "expected a list of strings");
    return List.of();
  }

  private @Nullable Instant instant(Table t, String key) {
    Object value = t.toml().get(key);
    if (value == null) {
      return null;
    }
    try {
      return switch (value) {
        case OffsetDateTime time -> time.toInstant();
        case String text -> Instant.parse(text);
        default -> throw new DateTimeParseException("", "", 0);
      };
    } catch (DateTimeParseException e) {
      problem(t, key, "expected a date and time with its offset (2027-01-31T00:00:00Z)");
      return null;
    }
  }

  private void problem(Table t, @Nullable String field, String message) {
    String name = field == null || field.isEmpty() ? t.label() : t.label() + "." + field;
    problems.add(where + ":" + t.at().lineOf(field) + ": " + name + ": " + message);
  }

  private void problem(@Nullable TomlPosition position, String key, String message) {
    problems.add(
        where + ":" + (position == null ? 0 : position.line()) + ": " + key + ": " + message);
  }

  private static String sorted(Set<String> keys) {
    return String.join(", ", new java.util.TreeSet<>(keys));
  }
}
