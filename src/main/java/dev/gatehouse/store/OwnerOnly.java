package dev.gatehouse.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Keeps the data directory and the database owner-only (0700, 0600): they hold password hashes,
 * sealed keys and session digests, which no other local user has any business reading. What
 * Gatehouse creates it creates so; what it finds looser it leaves as the operator made it, with a
 * warning at each start. SQLite gives the -wal and -shm files the database file's mode, so
 * pre-creating the database owner-only covers them; they are tightened after opening as well, in
 * case they were left behind by an older start. File systems without POSIX permissions are left
 * alone.
 */
final class OwnerOnly {
  private static final Logger LOG = Logger.getLogger(OwnerOnly.class.getName());
  private static final Set<PosixFilePermission> GROUP_OR_OTHER =
      EnumSet.complementOf(
          EnumSet.of(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.OWNER_EXECUTE));

  private OwnerOnly() {}

  /** Creates {@code dir} (and missing parents) 0700, or warns when it exists and is looser. */
  static void directory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      warnIfLooser(dir);
      return;
    }
    try {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(dir);
    }
  }

  /** Creates an empty {@code file} 0600 (SQLite takes it as a new database), or warns. */
  static void databaseFile(Path file) throws IOException {
    if (Files.exists(file)) {
      warnIfLooser(file);
      return;
    }
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      warnIfLooser(file);
    } catch (UnsupportedOperationException e) {
      // no POSIX permissions here: SQLite creates the file as it would anyway
    }
  }

  /** Gives {@code file}, when present, its database's permissions if those are owner-only. */
  static void sibling(Path file, Path database) {
    try {
      if (Files.exists(file) && !looser(database)) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warning("cannot make " + file + " owner-only: " + e.getMessage());
    }
  }

  private static void warnIfLooser(Path path) {
    try {
      if (looser(path)) {
        LOG.warning(
            path
                + " is readable or writable by other users ("
                + PosixFilePermissions.toString(Files.getPosixFilePermissions(path))
                + "); it holds password hashes and sealed keys: chmod "
                + (Files.isDirectory(path) ? "700" : "600")
                + " it unless that is intended");
      }
    } catch (IOException | UnsupportedOperationException e) {
      // nothing to compare with
    }
  }

  private static boolean looser(Path path) throws IOException {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
      return permissions.stream().anyMatch(GROUP_OR_OTHER::contains);
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }
}
