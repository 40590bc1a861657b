package dev.gatehouse.admin;

import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The objects a provisioning file declares, by kind and name. The admin API and console refuse to
 * change them (409, naming the file): the file is where they change, so that applying it again
 * never silently undoes an admin's edit, and an edit is never silently lost.
 */
public final class ManagedObjects {
  /** The field a refusal names: the object as a whole, which its file manages. */
  public static final String FIELD = "managed_by";

  /** What a file can declare; {@link #wire} is the name used in the table, messages and diffs. */
  public enum Kind {
    GROUP("group"),
    USER("user"),
    APP("app"),
    CLIENT("client"),
    API_KEY("api_key");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    static Kind of(String wire) {
      for (Kind kind : values()) {
        if (kind.wire.equals(wire)) {
          return kind;
        }
      }
      throw new IllegalArgumentException("no managed kind " + wire);
    }
  }

  /** One managed object: which file declared it, and a digest of what it declared. */
  public record Entry(Kind kind, String name, String source, String fingerprint) {}

  /** A managed object's identity. */
  public record Key(Kind kind, String name) {}

  private final Writer writer;
  private final Reads reads;

  public ManagedObjects(Writer writer, Reads reads) {
    this.writer = writer;
    this.reads = reads;
  }

  /** Throws a conflict naming the file when {@code name} of {@code kind} is managed by one. */
  void refuseChange(Kind kind, String name) {
    Optional<String> source =
        reads.read(
            q ->
                q.one(
                    "SELECT source FROM managed_objects WHERE kind = ? AND name = ?",
                    row -> row.getString(1),
                    kind.wire(),
                    name));
    if (source.isPresent()) {
      throw new Failure.Conflict(
          FIELD,
          kind.wire()
              + " "
              + name
              + " is managed by the provisioning file "
              + source.get()
              + ": change it there and apply the file");
    }
  }

  /** Every managed object. */
  public Map<Key, Entry> all() {
    Map<Key, Entry> all = new LinkedHashMap<>();
    reads
        .read(
            q ->
                q.list(
                    "SELECT kind, name, source, fingerprint FROM managed_objects"
                        + " ORDER BY kind, name",
                    row ->
                        new Entry(
                            Kind.of(row.getString(1)),
                            row.getString(2),
                            row.getString(3),
                            row.getString(4))))
        .forEach(e -> all.put(new Key(e.kind(), e.name()), e));
    return all;
  }

  /** Records that {@code entry}'s object is declared, as it now is, by its file. */
  public void mark(Entry entry) {
    writer.write(
        tx -> {
          tx.update(
              "DELETE FROM managed_objects WHERE kind = ? AND name = ?",
              entry.kind().wire(),
              entry.name());
          return tx.update(
              "INSERT INTO managed_objects (kind, name, source, fingerprint) VALUES (?, ?, ?, ?)",
              entry.kind().wire(),
              entry.name(),
              entry.source(),
              entry.fingerprint());
        });
  }

  /** Forgets a managed object the file no longer declares (it was deleted). */
  public void forget(Key key) {
    writer.write(
        tx ->
            tx.update(
                "DELETE FROM managed_objects WHERE kind = ? AND name = ?",
                key.kind().wire(),
                key.name()));
  }
}
