package dev.gatehouse.user;

import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.Listing;
import dev.gatehouse.store.Query;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Writer;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Groups and memberships. */
public final class Groups {
  private final Writer writer;
  private final Reads reads;
  private final InstantSource clock;

  public Groups(Writer writer, Reads reads, InstantSource clock) {
    this.writer = writer;
    this.reads = reads;
    this.clock = clock;
  }

  /** Creates a group; {@code requireMfa}: its members must sign in with a second factor. */
  public Group create(String name, boolean requireMfa) {
    String checked = Validation.name("name", name);
    return writer.write(tx -> insert(tx, clock.millis(), checked, requireMfa));
  }

  static Group insert(Tx tx, long now, String name, boolean requireMfa) {
    if (tx.count("SELECT COUNT(*) FROM groups_ WHERE name = ?", name) > 0) {
      throw new Failure.Conflict("name", "group " + name + " exists");
    }
    tx.update(
        "INSERT INTO groups_ (name, created_at, require_mfa) VALUES (?, ?, ?)",
        name,
        now,
        requireMfa);
    tx.publish(new UserEvent.GroupCreated(name));
    if (requireMfa) {
      tx.publish(new UserEvent.SecondFactorRequired(name, true));
    }
    return new Group(name, requireMfa, List.of());
  }

  /** The bootstrap's {@code admins} group, created inside the bootstrap's own transaction. */
  public static Group bootstrapAdmins(Tx tx, long now) {
    return insert(tx, now, "admins", false);
  }

  /** Sets whether members of {@code name} must sign in with a second factor. */
  public Group requireMfa(String name, boolean required) {
    return writer.write(
        tx -> {
          if (tx.update("UPDATE groups_ SET require_mfa = ? WHERE name = ?", required, name) == 0) {
            throw new Failure.NotFound("no group named " + name);
          }
          tx.publish(new UserEvent.SecondFactorRequired(name, required));
          return new Group(name, required, members(tx, name));
        });
  }

  /** The names of the groups whose members must sign in with a second factor. */
  public Set<String> requiringMfa() {
    return Set.copyOf(
        reads.read(
            q ->
                q.list(
                    "SELECT name FROM groups_ WHERE require_mfa = TRUE", row -> row.getString(1))));
  }

  /** What another node's change to group {@code name} means here. */
  public List<UserEvent> announced(String name) {
    return reads
        .read(
            q ->
                q.one(
                    "SELECT require_mfa FROM groups_ WHERE name = ?",
                    row -> row.getBoolean(1),
                    name))
        .<List<UserEvent>>map(
            required ->
                List.of(
                    new UserEvent.GroupCreated(name),
                    new UserEvent.SecondFactorRequired(name, required)))
        .orElseGet(() -> List.of(new UserEvent.GroupDeleted(name)));
  }

  public Group get(String name) {
    return reads.read(
        q ->
            q.one(
                    "SELECT require_mfa FROM groups_ WHERE name = ?",
                    row -> new Group(name, row.getBoolean(1), members(q, name)),
                    name)
                .orElseThrow(() -> new Failure.NotFound("no group named " + name)));
  }

  /** A page of groups ordered by name, each with its members, as {@link #get} shows them. */
  public Listing<Group> list(int limit, int offset) {
    return reads.read(
        q -> {
          List<Group> page = new ArrayList<>();
          record Row(String name, boolean requireMfa) {}
          for (Row row :
              q.list(
                  "SELECT name, require_mfa FROM groups_ ORDER BY name LIMIT ? OFFSET ?",
                  r -> new Row(r.getString(1), r.getBoolean(2)),
                  limit,
                  offset)) {
            page.add(new Group(row.name(), row.requireMfa(), members(q, row.name())));
          }
          return new Listing<>(page, q.count("SELECT COUNT(*) FROM groups_"));
        });
  }

  /** A group as lists show it: its member count, not its members. */
  public record Summary(String name, boolean requireMfa, long members) {}

  /**
   * A page of the groups whose name contains {@code text} (every group when blank), ordered by
   * name, with member counts; for the console, where one group may hold every user.
   */
  public Listing<Summary> summaries(String text, int limit, int offset) {
    String needle = Like.needle(text);
    String where = needle.isEmpty() ? "" : " WHERE lower(g.name) LIKE ?" + Like.ESCAPE;
    Object[] filter = needle.isEmpty() ? new Object[0] : new Object[] {Like.containing(needle)};
    return reads.read(
        q ->
            new Listing<>(
                q.list(
                    "SELECT g.name, g.require_mfa,"
                        + " (SELECT COUNT(*) FROM memberships m WHERE m.group_name = g.name)"
                        + " FROM groups_ g"
                        + where
                        + " ORDER BY g.name LIMIT ? OFFSET ?",
                    r -> new Summary(r.getString(1), r.getBoolean(2), r.getLong(3)),
                    concat(filter, limit, offset)),
                q.count("SELECT COUNT(*) FROM groups_ g" + where, filter)));
  }

  /** Group {@code name} with its member count, without reading its members. */
  public Summary summary(String name) {
    return reads.read(
        q ->
            q.one(
                    "SELECT require_mfa,"
                        + " (SELECT COUNT(*) FROM memberships m WHERE m.group_name = g.name)"
                        + " FROM groups_ g WHERE g.name = ?",
                    r -> new Summary(name, r.getBoolean(1), r.getLong(2)),
                    name)
                .orElseThrow(() -> new Failure.NotFound("no group named " + name)));
  }

  /**
   * A page of group {@code name}'s members' usernames in order: through the membership key, which
   * is cheapest for a group of a few thousand; larger ones page faster over {@link
   * UserDirectory#members}, which does not sort them all.
   */
  public List<String> memberPage(String name, int limit, int offset) {
    return reads.read(
        q ->
            q.list(
                "SELECT u.username FROM memberships m JOIN users u ON u.id = m.user_id"
                    + " WHERE m.group_name = ? ORDER BY u.username LIMIT ? OFFSET ?",
                row -> row.getString(1),
                name,
                limit,
                offset));
  }

  private static Object[] concat(Object[] first, Object... rest) {
    Object[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
    System.arraycopy(rest, 0, all, first.length, rest.length);
    return all;
  }

  private static List<String> members(Query q, String group) {
    return q.list(
        "SELECT u.username FROM memberships m JOIN users u ON u.id = m.user_id"
            + " WHERE m.group_name = ? ORDER BY u.username",
        row -> row.getString(1),
        group);
  }

  public void delete(String name) {
    writer.write(
        tx -> {
          if (tx.count("SELECT COUNT(*) FROM groups_ WHERE name = ?", name) == 0) {
            throw new Failure.NotFound("no group named " + name);
          }
          tx.update("DELETE FROM memberships WHERE group_name = ?", name);
          tx.update("DELETE FROM groups_ WHERE name = ?", name);
          tx.publish(new UserEvent.GroupDeleted(name));
          return null;
        });
  }

  public void addMember(String group, String username) {
    writer.write(tx -> join(tx, group, username));
  }

  static Void join(Tx tx, String group, String username) {
    String userId = member(tx, group, username);
    if (tx.count(
            "SELECT COUNT(*) FROM memberships WHERE group_name = ? AND user_id = ?", group, userId)
        > 0) {
      throw new Failure.Conflict("username", username + " is already in " + group);
    }
    tx.update("INSERT INTO memberships (group_name, user_id) VALUES (?, ?)", group, userId);
    tx.publish(new UserEvent.MembershipChanged(group, userId, true));
    return null;
  }

  public void removeMember(String group, String username) {
    writer.write(
        tx -> {
          String userId = member(tx, group, username);
          if (tx.update(
                  "DELETE FROM memberships WHERE group_name = ? AND user_id = ?", group, userId)
              == 0) {
            throw new Failure.NotFound(username + " is not in " + group);
          }
          tx.publish(new UserEvent.MembershipChanged(group, userId, false));
          return null;
        });
  }

  private static String member(Tx tx, String group, String username) {
    if (tx.count("SELECT COUNT(*) FROM groups_ WHERE name = ?", group) == 0) {
      throw new Failure.NotFound("no group named " + group);
    }
    return tx.one(
            "SELECT id FROM users WHERE username = lower(?)", row -> row.getString(1), username)
        .orElseThrow(() -> new Failure.NotFound("no user named " + username));
  }
}
