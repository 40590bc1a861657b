package dev.gatehouse.store;

import dev.gatehouse.config.Config;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;

/**
 * Online backup and offline restore of the SQLite database.
 *
 * <p>A backup is {@code VACUUM INTO} on a connection of its own: it reads one WAL snapshot, so
 * every transaction the writer committed (and so every write it acknowledged) before the copy began
 * is in it, none half, while the server keeps writing. A restore replaces the database of a stopped
 * data directory; a running server is detected by SQLite's own locks (every open connection holds
 * the database file shared in WAL mode, so an exclusive-mode read fails at once), never by
 * guessing. Neither ever overwrites a file: the copy must be new, and the replaced database is kept
 * beside.
 */
public final class Backups {
  private static final String DATABASE = "gatehouse.db";

  /** Where {@code signing.KeyEncryption} keeps the key when none is configured. */
  private static final String KEK_FILE = "gatehouse.kek";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** What a command did, or why it did nothing. */
  public sealed interface Outcome {
    /** The one line to print. */
    String message();

    record Done(String message) implements Outcome {}

    record Refused(String message) implements Outcome {}
  }

  private Backups() {}

  /** Copies the configured database to {@code target}, which must not exist, owner-only. */
  public static Outcome backup(Config config, Path target) {
    Path database;
    try {
      database = databaseOf(config);
    } catch (RefusedException e) {
      return new Outcome.Refused(e.getMessage());
    }
    if (!Files.isRegularFile(database)) {
      return new Outcome.Refused(
          "no database at " + database + " (storage.data_dir or database.url)");
    }
    try {
      // created empty here (VACUUM INTO accepts an empty file), so an existing path is never
      // overwritten and the copy is owner-only from its first byte
      Files.createFile(
          target,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      return new Outcome.Refused("--to " + target + " exists; a backup never overwrites a file");
    } catch (NoSuchFileException e) {
      return new Outcome.Refused("--to " + target + ": its directory does not exist");
    } catch (IOException | UnsupportedOperationException e) {
      return new Outcome.Refused("--to " + target + ": cannot create it: " + e.getMessage());
    }
    try {
      try (Connection source = open(database, false);
          PreparedStatement vacuum = source.prepareStatement("VACUUM INTO ?")) {
        vacuum.setString(1, target.toAbsolutePath().toString());
        vacuum.execute();
      }
      try (FileChannel copy = FileChannel.open(target, StandardOpenOption.WRITE)) {
        copy.force(true);
      }
      String integrity = integrity(target);
      if (!integrity.equals("ok")) {
        deleteQuietly(target);
        throw new IllegalStateException(
            "the copy " + target + " fails integrity_check: " + integrity);
      }
      return new Outcome.Done(
          "wrote " + target + ": " + Files.size(target) + " bytes, integrity_check ok");
    } catch (SQLException | IOException e) {
      deleteQuietly(target);
      throw new IllegalStateException("backup of " + database + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Replaces the database of the configured (stopped) data directory by {@code source}, after
   * {@code source} passes {@code integrity_check}; the database it replaces is kept as {@code
   * gatehouse.db.before-restore-<UTC time>}.
   */
  public static Outcome restore(Config config, Path source, InstantSource clock) {
    Path database;
    try {
      database = databaseOf(config);
    } catch (RefusedException e) {
      return new Outcome.Refused(e.getMessage());
    }
    if (!Files.isRegularFile(source)) {
      return new Outcome.Refused("PATH " + source + " is not a file");
    }
    String integrity;
    try {
      integrity = integrity(source);
    } catch (SQLException e) {
      integrity = e.getMessage();
    }
    if (!integrity.equals("ok")) {
      return new Outcome.Refused(
          "PATH "
              + source
              + " fails integrity_check ("
              + oneLine(integrity)
              + "); nothing changed");
    }
    try {
      OwnerOnly.directory(database.getParent());
      String kept = "";
      if (Files.exists(database)) {
        Path before =
            database.resolveSibling(DATABASE + ".before-restore-" + STAMP.format(clock.instant()));
        if (!checkpointedAndFree(database)) {
          return new Outcome.Refused(
              database
                  + " is open in a running Gatehouse (storage.data_dir); stop it first;"
                  + " nothing changed");
        }
        moveAside(database, before);
        kept = "; the replaced database is kept as " + before;
      }
      Path incoming = database.resolveSibling(DATABASE + ".restoring");
      Files.deleteIfExists(incoming);
      Files.createFile(
          incoming,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      // into the owner-only file made above (a replacing copy would make a file of the umask's)
      try (FileChannel copy = FileChannel.open(incoming, StandardOpenOption.WRITE)) {
        Files.copy(source, Channels.newOutputStream(copy));
        copy.force(true);
      }
      Files.move(incoming, database, StandardCopyOption.ATOMIC_MOVE);
      return new Outcome.Done(
          "restored "
              + source
              + " into "
              + database
              + " ("
              + Files.size(database)
              + " bytes)"
              + kept
              + keyNote(config, database.getParent()));
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("restore into " + database + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Moves the (checkpointed) database aside as {@code before}; a WAL left all the same goes with it
   * under the name SQLite looks for when {@code before} is opened. The index (-shm) SQLite rebuilds
   * from the WAL, so it is removed.
   */
  private static void moveAside(Path database, Path before) throws IOException {
    Files.move(database, before);
    Path wal = Path.of(database + "-wal");
    if (Files.exists(wal)) {
      Files.move(wal, Path.of(before + "-wal"));
    }
    Files.deleteIfExists(Path.of(database + "-shm"));
  }

  /**
   * Whether no other connection (a running server) has {@code database} open; when none has, its
   * WAL is checkpointed into it first, under an exclusive lock, so that it is whole on its own. The
   * connection closes before the files move: SQLite removes the WAL by its name when the last
   * connection closes.
   */
  private static boolean checkpointedAndFree(Path database) throws SQLException {
    try (Connection connection = open(database, true);
        Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA locking_mode = EXCLUSIVE");
      statement.executeQuery("SELECT count(*) FROM sqlite_schema").close();
      statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      return true;
    } catch (SQLException e) {
      int code = e.getErrorCode() & 0xff;
      if (code == SQLiteErrorCode.SQLITE_BUSY.code || code == SQLiteErrorCode.SQLITE_LOCKED.code) {
        return false;
      }
      throw e;
    }
  }

  private static String integrity(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    try (Connection connection = source.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA integrity_check")) {
      StringBuilder result = new StringBuilder();
      while (rows.next()) {
        result.append(result.isEmpty() ? "" : "; ").append(rows.getString(1));
      }
      return result.toString();
    }
  }

  private static Connection open(Path database, boolean exclusive) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(exclusive ? 0 : 10_000);
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl("jdbc:sqlite:" + database.toAbsolutePath());
    return source.getConnection();
  }

  /** The SQLite database file the configuration names; refused for PostgreSQL or in memory. */
  /**
   * Whether a running Gatehouse holds the configured SQLite database; false for PostgreSQL (whose
   * nodes hear each other's changes), a database in memory, or none yet.
   */
  public static boolean held(Config config) {
    Path database;
    try {
      database = databaseOf(config);
    } catch (RefusedException e) {
      return false;
    }
    if (!Files.exists(database)) {
      return false;
    }
    try {
      return !checkpointedAndFree(database);
    } catch (SQLException e) {
      return true;
    }
  }

  private static Path databaseOf(Config config) {
    String url = config.database().url();
    if (url.isEmpty()) {
      return config.storage().dataDir().resolve(DATABASE).toAbsolutePath();
    }
    if (url.startsWith(Store.POSTGRESQL)) {
      throw new RefusedException(
          "database.url is PostgreSQL: back it up with pg_dump and restore with pg_restore"
              + " (docs/cluster.md)");
    }
    Path file = SqliteBackend.fileOf(url);
    if (file == null) {
      throw new RefusedException("database.url " + url + " is in memory: nothing to back up");
    }
    return file;
  }

  /**
   * The signing keys in the copy are sealed: without the key that sealed them the restored instance
   * does not start. Said here, where the operator is, rather than at the next start.
   */
  private static String keyNote(Config config, Path dataDir) {
    if (!config.oidc().keyEncryptionKey().isBlank() || Files.exists(dataDir.resolve(KEK_FILE))) {
      return "";
    }
    return "; no oidc.key_encryption_key is set and there is no "
        + dataDir.resolve(KEK_FILE)
        + ": give it the key the backed-up instance used, or it will not start";
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ").strip();
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // the error being reported says more than this one would
    }
  }

  /** A refusal found on the way, turned into an {@link Outcome.Refused} by the command. */
  private static final class RefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message, null, false, false);
    }
  }
}
