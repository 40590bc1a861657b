package dev.gatehouse.user;

import dev.gatehouse.crypto.Passwords;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.Listing;
import dev.gatehouse.store.Query;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.RowMapper;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Writer;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Users: create, read, update, delete, and password checks. Passwords are hashed before a write is
 * submitted, so the writer never waits on Argon2.
 *
 * <p>A new password, or disabling the user, ends every credential the old password vouched for
 * ({@link DerivedCredentials}: sessions, paired devices, OAuth grants) in the same unit of work.
 */
public final class Users {
  private static final String COLUMNS =
      "id, username, email, display_name, disabled, created_at, updated_at";
  private static final RowMapper<User> ROW =
      row ->
          new User(
              row.getString("id"),
              row.getString("username"),
              row.getString("email"),
              row.getString("display_name"),
              row.getBoolean("disabled"),
              List.of(),
              Instant.ofEpochMilli(row.getLong("created_at")),
              Instant.ofEpochMilli(row.getLong("updated_at")));

  private final Writer writer;
  private final Reads reads;
  private final Passwords passwords;
  private final InstantSource clock;
  private final List<DerivedCredentials> derived;

  public Users(
      Writer writer,
      Reads reads,
      Passwords passwords,
      InstantSource clock,
      List<DerivedCredentials> derived) {
    this.writer = writer;
    this.reads = reads;
    this.passwords = passwords;
    this.clock = clock;
    this.derived = List.copyOf(derived);
  }

  public User create(NewUser request) {
    String hash =
        request.password() == null
            ? null
            : passwords.hash(
                Validation.password("password", request.password(), username(request)));
    return createWithHash(request, hash);
  }

  /**
   * Creates a user whose password is already hashed ({@code request.password()} is ignored): a
   * provisioning file declares passwords as hashes, or they were hashed before its one transaction.
   */
  public User createWithHash(NewUser request, @Nullable String hash) {
    String username = username(request);
    String email = Validation.email(request.email());
    String displayName = Validation.displayName(request.displayName());
    List<String> groups = Validation.groups(request.groups());
    return writer.write(
        tx -> insert(tx, clock.millis(), username, email, displayName, hash, groups));
  }

  /**
   * {@code value} if it is acceptable as {@code username}'s password (the rule wherever a person
   * chooses one); else a failure naming {@code field}.
   */
  public static String acceptablePassword(String field, String value, String username) {
    return Validation.password(field, value, username);
  }

  /** Usernames are case-insensitive identities: "Alice" must not be able to impersonate "alice". */
  private static String username(NewUser request) {
    return Validation.name("username", request.username()).toLowerCase(Locale.ROOT);
  }

  /**
   * Sets an already hashed password; like any new password, it ends every credential the old one
   * vouched for.
   */
  public User setPasswordHash(String id, String hash) {
    return writer.write(
        tx -> {
          if (tx.update(
                  "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                  hash,
                  clock.millis(),
                  id)
              == 0) {
            throw new Failure.NotFound("no user with id " + id);
          }
          endCredentials(tx, id, null);
          User updated = load(tx, id).orElseThrow();
          tx.publish(new UserEvent.UserChanged(updated));
          return updated;
        });
  }

  /** The stored password hash of user {@code id}, if it has one: to compare a declared one. */
  public Optional<String> passwordHash(String id) {
    return reads.read(
        q ->
            q.one(
                "SELECT password_hash FROM users WHERE id = ? AND password_hash IS NOT NULL",
                row -> row.getString(1),
                id));
  }

  /**
   * Inserts a user inside a unit of work that may do more (the bootstrap adds its API key in the
   * same transaction). {@code hash} is an already computed password hash.
   */
  static User insert(
      Tx tx,
      long now,
      String username,
      @Nullable String email,
      @Nullable String displayName,
      @Nullable String hash,
      List<String> groups) {
    if (tx.count("SELECT COUNT(*) FROM users WHERE username = ?", username) > 0) {
      throw new Failure.Conflict("username", "username " + username + " is taken");
    }
    if (email != null
        && tx.count("SELECT COUNT(*) FROM users WHERE lower(email) = lower(?)", email) > 0) {
      throw new Failure.Conflict("email", "email " + email + " belongs to another user");
    }
    for (String group : groups) {
      if (tx.count("SELECT COUNT(*) FROM groups_ WHERE name = ?", group) == 0) {
        throw new Failure.Invalid("groups", "no group named " + group);
      }
    }
    String id = UUID.randomUUID().toString();
    tx.update(
        "INSERT INTO users (id, username, email, display_name, password_hash, disabled, created_at,"
            + " updated_at) VALUES (?, ?, ?, ?, ?, FALSE, ?, ?)",
        id,
        username,
        email,
        displayName,
        hash,
        now,
        now);
    for (String group : groups) {
      tx.update("INSERT INTO memberships (group_name, user_id) VALUES (?, ?)", group, id);
    }
    User user = load(tx, id).orElseThrow();
    tx.publish(new UserEvent.UserChanged(user));
    return user;
  }

  /** The bootstrap's {@code admin} user, created inside the bootstrap's own transaction. */
  public static User bootstrapAdmin(Tx tx, long now, String hash, List<String> groups) {
    return insert(tx, now, "admin", null, "Administrator", hash, groups);
  }

  public Optional<User> find(String id) {
    return reads.read(q -> load(q, id));
  }

  /** What another node's change to user {@code id} means here: changed, or gone. */
  public List<UserEvent> announced(String id) {
    return List.of(
        find(id)
            .<UserEvent>map(UserEvent.UserChanged::new)
            .orElseGet(() -> new UserEvent.UserDeleted(id, "")));
  }

  public Optional<User> findByUsername(String username) {
    return reads.read(
        q ->
            q.one(
                    "SELECT " + COLUMNS + " FROM users WHERE username = ?",
                    ROW,
                    username.toLowerCase(Locale.ROOT))
                .map(user -> withGroups(q, List.of(user)).get(0)));
  }

  public User get(String id) {
    return find(id).orElseThrow(() -> new Failure.NotFound("no user with id " + id));
  }

  /** A page of users ordered by username, and the total count. */
  public Listing<User> list(int limit, int offset) {
    return reads.read(
        q ->
            new Listing<>(
                withGroups(
                    q,
                    q.list(
                        "SELECT " + COLUMNS + " FROM users ORDER BY username LIMIT ? OFFSET ?",
                        ROW,
                        limit,
                        offset)),
                q.count("SELECT COUNT(*) FROM users")));
  }

  /** Every user with their groups; for loading in-memory views at start (two queries in all). */
  public List<User> all() {
    return reads.read(
        q -> {
          Map<String, List<String>> groups = new HashMap<>();
          q.list(
                  "SELECT user_id, group_name FROM memberships ORDER BY group_name",
                  row -> Map.entry(row.getString(1), row.getString(2)))
              .forEach(
                  e ->
                      groups.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
          return q.list("SELECT " + COLUMNS + " FROM users ORDER BY username", ROW).stream()
              .map(u -> withGroups(u, groups.getOrDefault(u.id(), List.of())))
              .toList();
        });
  }

  /**
   * Applies {@code patch}; {@code nulls} are the fields sent as an explicit null, which clears
   * {@code email} and {@code display_name} and is refused for the rest.
   */
  public User update(String id, UserPatch patch, Set<String> nulls) {
    for (String field : nulls) {
      if (!field.equals("email") && !field.equals("display_name")) {
        throw new Failure.Invalid(field, field + " cannot be cleared");
      }
    }
    boolean clearEmail = nulls.contains("email");
    boolean clearName = nulls.contains("display_name");
    String email = Validation.email(patch.email());
    String displayName = Validation.displayName(patch.displayName());
    String hash =
        patch.password() == null
            ? null
            : passwords.hash(Validation.password("password", patch.password(), get(id).username()));
    return writer.write(
        tx -> {
          User current =
              load(tx, id).orElseThrow(() -> new Failure.NotFound("no user with id " + id));
          if (email != null
              && tx.count(
                      "SELECT COUNT(*) FROM users WHERE lower(email) = lower(?) AND id <> ?",
                      email,
                      id)
                  > 0) {
            throw new Failure.Conflict("email", "email " + email + " belongs to another user");
          }
          tx.update(
              "UPDATE users SET email = ?, display_name = ?, disabled = ?,"
                  + " password_hash = COALESCE(?, password_hash), updated_at = ? WHERE id = ?",
              clearEmail ? null : email != null ? email : current.email(),
              clearName ? null : displayName != null ? displayName : current.displayName(),
              patch.disabled() != null ? patch.disabled() : current.disabled(),
              hash,
              clock.millis(),
              id);
          if (hash != null || Boolean.TRUE.equals(patch.disabled())) {
            endCredentials(tx, id, null);
          }
          User updated = load(tx, id).orElseThrow();
          tx.publish(new UserEvent.UserChanged(updated));
          return updated;
        });
  }

  /**
   * The user's own password change: {@code current} must be their password now. Every other
   * credential of theirs ends; the session {@code keptSession} (its public id), which made the
   * change, stays.
   */
  public void changePassword(String id, String current, String next, String keptSession) {
    record Stored(String username, String hash) {}
    Stored stored =
        reads
            .read(
                q ->
                    q.one(
                        "SELECT username, password_hash FROM users WHERE id = ? AND disabled ="
                            + " FALSE AND password_hash IS NOT NULL",
                        row -> new Stored(row.getString(1), row.getString(2)),
                        id))
            .orElse(null);
    if (stored == null) {
      throw new Failure.Invalid("current_password", "the current password is wrong");
    }
    String checked = Validation.password("new_password", next, stored.username());
    if (current.length() > 1024 || !passwords.verify(current, stored.hash()).matches()) {
      throw new Failure.Invalid("current_password", "the current password is wrong");
    }
    String hash = passwords.hash(checked);
    writer.write(
        tx -> {
          // Compared with the hash just verified: a change made meanwhile wins, not this one.
          if (tx.update(
                  "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?"
                      + " AND password_hash = ? AND disabled = FALSE",
                  hash,
                  clock.millis(),
                  id,
                  stored.hash())
              == 0) {
            throw new Failure.Conflict("current_password", "the password changed meanwhile");
          }
          endCredentials(tx, id, keptSession);
          tx.publish(new UserEvent.UserChanged(load(tx, id).orElseThrow()));
          return null;
        });
  }

  private void endCredentials(Tx tx, String id, @Nullable String keptSession) {
    for (DerivedCredentials credentials : derived) {
      credentials.endIn(tx, id, keptSession);
    }
  }

  public void delete(String id) {
    writer.write(
        tx -> {
          User user = load(tx, id).orElseThrow(() -> new Failure.NotFound("no user with id " + id));
          tx.update("DELETE FROM memberships WHERE user_id = ?", id);
          tx.update("DELETE FROM users WHERE id = ?", id);
          tx.publish(new UserEvent.UserDeleted(id, user.username()));
          return null;
        });
  }

  /**
   * Checks a username and password. Returns the user when both are right and the user is enabled;
   * rehashes with the current parameters when the stored hash used older ones. A {@code
   * knownBrowser} check (a browser that signed in to this account before) does not queue behind the
   * checks of strangers.
   */
  public Optional<User> authenticate(String username, String password, boolean knownBrowser) {
    record Credentials(String id, @Nullable String hash, boolean disabled) {}
    Optional<Credentials> found =
        reads.read(
            q ->
                q.one(
                    "SELECT id, password_hash, disabled FROM users WHERE username = lower(?)",
                    row -> new Credentials(row.getString(1), row.getString(2), row.getBoolean(3)),
                    username));
    // Unknown users still cost one hash, so timing does not reveal which usernames exist.
    String stored = found.map(Credentials::hash).orElse(null);
    Passwords.Verification verification =
        passwords.verify(password, stored != null ? stored : passwords.dummyHash(), knownBrowser);
    if (found.isEmpty() || stored == null || !verification.matches() || found.get().disabled()) {
      return Optional.empty();
    }
    String id = found.get().id();
    if (verification.needsRehash()) {
      String rehashed = passwords.hash(password);
      writer.write(
          tx ->
              tx.update(
                  "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?",
                  rehashed,
                  id,
                  stored));
    }
    return find(id);
  }

  private static Optional<User> load(Query q, String id) {
    return q.one("SELECT " + COLUMNS + " FROM users WHERE id = ?", ROW, id)
        .map(user -> withGroups(q, List.of(user)).get(0));
  }

  private static List<User> withGroups(Query q, List<User> users) {
    if (users.isEmpty()) {
      return users;
    }
    Map<String, List<String>> groups = new HashMap<>();
    String placeholders = String.join(",", Collections.nCopies(users.size(), "?"));
    q.list(
            "SELECT user_id, group_name FROM memberships WHERE user_id IN ("
                + placeholders
                + ") ORDER BY group_name",
            row -> Map.entry(row.getString(1), row.getString(2)),
            users.stream().map(User::id).toArray())
        .forEach(e -> groups.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    return users.stream().map(u -> withGroups(u, groups.getOrDefault(u.id(), List.of()))).toList();
  }

  private static User withGroups(User u, List<String> groups) {
    return new User(
        u.id(),
        u.username(),
        u.email(),
        u.displayName(),
        u.disabled(),
        List.copyOf(groups),
        u.createdAt(),
        u.updatedAt());
  }
}
