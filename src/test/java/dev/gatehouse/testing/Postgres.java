package dev.gatehouse.testing;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for the tests, started by the tests themselves from Debian's binaries
 * (the newest under {@code /usr/lib/postgresql/*}/bin): one per test JVM, started on first use,
 * stopped by a shutdown hook, with its data directory, socket and log in a temp directory and a
 * free port on 127.0.0.1. Each test takes a fresh database of its own ({@link #createDatabase()}),
 * owned by an ordinary role that signs in with a password (scram-sha-256), as production does.
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root: then initdb and postgres run as the
 * system user {@code gatehouse-pg} (created when missing) through setpriv (else runuser). setpriv
 * also has the kernel stop postgres should the JVM die without running its shutdown hook, so no
 * orphan server outlives a killed test run; its temp directory is deleted by the next test JVM that
 * starts a server. For speed the server does not sync to disk (fsync and full_page_writes off): its
 * data is lost on a machine crash, never on a clean stop, and the tests throw it away anyway. A
 * test that crashes the server on purpose would need a durable one of its own: not offered yet.
 *
 * <p>Where PostgreSQL is not installed the calling test is skipped, saying how to install it; with
 * {@code GATEHOUSE_REQUIRE_POSTGRES=1} (as CI sets) it fails instead.
 */
public final class Postgres {
  public static final String REQUIRE_ENV = "GATEHOUSE_REQUIRE_POSTGRES";

  /** The unprivileged system user the server runs as when the tests run as root. */
  public static final String SYSTEM_USER = "gatehouse-pg";

  private static final Logger LOG = Logger.getLogger(Postgres.class.getName());
  private static final String PREFIX = "gatehouse-pg";
  private static final String IN_USE = "in-use";
  private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
  private static final String SUPERUSER = "postgres";
  private static final String USER = "gatehouse";
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final Duration SHUTDOWN = Duration.ofSeconds(10);

  /** The signal the kernel sends postgres when the JVM dies: SIGTERM, a clean (smart) shutdown. */
  private static final String PDEATHSIG = "--pdeathsig=TERM";

  private static @Nullable Postgres shared;
  private static @Nullable String failedStart;

  private final Path binaries;
  private final Path dir;
  private final FileChannel inUse;
  private final List<String> runAs;
  private volatile Process server;
  private final int port;
  private final String superuserPassword;
  private final String password;
  private final AtomicInteger databases = new AtomicInteger();

  private Postgres(
      Path binaries,
      Path dir,
      FileChannel inUse,
      List<String> runAs,
      Process server,
      int port,
      String superuserPassword,
      String password) {
    this.binaries = binaries;
    this.dir = dir;
    this.inUse = inUse;
    this.runAs = runAs;
    this.server = server;
    this.port = port;
    this.superuserPassword = superuserPassword;
    this.password = password;
  }

  /** A database of the shared server, new and empty, owned by {@link #user()}. */
  public record Database(String name, String jdbcUrl) {}

  /**
   * The server of this test JVM, started on the first call (a few seconds: initdb). Skips the
   * calling test where PostgreSQL is not installed, or fails it under {@code
   * GATEHOUSE_REQUIRE_POSTGRES=1}; a server that failed to start fails every later call at once.
   */
  public static synchronized Postgres shared() {
    if (shared != null) {
      return shared;
    }
    if (failedStart != null) {
      throw new IllegalStateException(failedStart + " (on an earlier test's first use)");
    }
    Path binaries = installed();
    try {
      long begun = System.nanoTime();
      Postgres started = start(binaries);
      LOG.info(
          () ->
              started
                  + " started in "
                  + Duration.ofNanos(System.nanoTime() - begun).toMillis()
                  + " ms");
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "postgres-stop"));
      shared = started;
      return started;
    } catch (IOException | SQLException | RuntimeException e) {
      failedStart = "PostgreSQL did not start: " + e.getMessage();
      throw new IllegalStateException(failedStart, e);
    }
  }

  /** The JDBC URL of {@code database} on this server (loopback TCP; sign in as {@link #user()}). */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** The ordinary role (no superuser) that owns every database of {@link #createDatabase()}. */
  public String user() {
    return USER;
  }

  public String password() {
    return password;
  }

  public int port() {
    return port;
  }

  /**
   * Restarts the server as an operator would (fast shutdown: open sessions are ended; then started
   * again on the same port and data), for tests of what clients do meanwhile. Returns once it
   * accepts connections again; {@code down} is how long it stays stopped.
   */
  public synchronized void restart(Duration down) throws IOException, SQLException {
    stop(server);
    try {
      Thread.sleep(down);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while PostgreSQL was down", e);
    }
    Process restarted = launch(runAs, binaries, dir, dir.resolve("sockets"), port);
    awaitReady(restarted, port, superuserPassword, dir);
    server = restarted;
  }

  /** The postmaster, whose children are the server's other processes. */
  public ProcessHandle process() {
    return server.toHandle();
  }

  /** A connection to {@code database} as {@link #user()} with its password. */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), USER, password);
  }

  /** A new database with a name no other test of this JVM gets; a few tens of milliseconds. */
  public Database createDatabase() {
    return createDatabase("template0");
  }

  /**
   * A new database as {@link #createDatabase()}, copied from {@code template} (a database of this
   * server that nobody is connected to) instead of being empty.
   */
  public Database createDatabase(String template) {
    String name = "test_" + databases.incrementAndGet();
    try (Connection admin = superuser();
        Statement statement = admin.createStatement()) {
      // FILE_COPY: copying the small template's files beats writing them through the WAL
      // (PostgreSQL 15's default), as nothing is synced anyway.
      statement.execute(
          "CREATE DATABASE "
              + name
              + " OWNER "
              + USER
              + " TEMPLATE "
              + template
              + " STRATEGY FILE_COPY");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return new Database(name, jdbcUrl(name));
  }

  /**
   * Drops {@code database}, ending any session still connected to it (a server a test left
   * running): each database is a directory of some 8 MB, and a suite creates hundreds.
   */
  public void dropDatabase(String database) {
    try (Connection admin = superuser();
        Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot drop database " + database + ": " + e.getMessage(), e);
    }
  }

  private Connection superuser() throws SQLException {
    return DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, superuserPassword);
  }

  /** The newest {@code /usr/lib/postgresql/N/bin} with initdb and postgres, or skip or fail. */
  private static Path installed() {
    Optional<Path> newest = Optional.empty();
    if (Files.isDirectory(DEBIAN_ROOT)) {
      try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
        newest =
            versions
                .filter(v -> v.getFileName().toString().matches("\\d+"))
                .map(v -> v.resolve("bin"))
                .filter(bin -> Files.isExecutable(bin.resolve("postgres")))
                .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                .max(
                    Comparator.comparingInt(
                        bin -> Integer.parseInt(bin.getParent().getFileName().toString())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (newest.isPresent()) {
      return newest.get();
    }
    String missing =
        "PostgreSQL is not installed (looked for "
            + DEBIAN_ROOT
            + "/<version>/bin/postgres and initdb); install it to run this test, e.g. sudo apt-get"
            + " install -y postgresql";
    if ("1".equals(System.getenv(REQUIRE_ENV))) {
      throw new AssertionError(missing + " (" + REQUIRE_ENV + "=1 makes it mandatory)");
    }
    return Assumptions.abort(missing);
  }

  private static Postgres start(Path binaries) throws IOException, SQLException {
    boolean root = isRoot();
    List<String> runAs =
        root
            ? runAsSystemUser()
            : onPath("setpriv") ? List.of("setpriv", PDEATHSIG, "--") : List.of();
    Path base = tempBase(root);
    removeLeftovers(base);
    Path dir = Files.createTempDirectory(base, PREFIX);
    FileChannel inUse = FileChannel.open(dir.resolve(IN_USE), CREATE, WRITE);
    inUse.lock();
    Path sockets = Files.createDirectory(dir.resolve("sockets"));
    String superuserPassword = randomPassword();
    String password = randomPassword();
    Path passwordFile = Files.writeString(dir.resolve("superuser-password"), superuserPassword);
    if (root) {
      run(List.of("chown", "-R", SYSTEM_USER + ":", dir.toString()), dir);
    }
    long initdb = System.nanoTime();
    run(
        command(
            runAs,
            binaries.resolve("initdb"),
            "--pgdata=" + dir.resolve("data"),
            "--username=" + SUPERUSER,
            "--pwfile=" + passwordFile,
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync"),
        dir);
    Files.delete(passwordFile);
    LOG.info(
        () -> "initdb took " + Duration.ofNanos(System.nanoTime() - initdb).toMillis() + " ms");

    // A port found free may be taken before postgres binds it: then try another.
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      Process server = launch(runAs, binaries, dir, sockets, port);
      try {
        awaitReady(server, port, superuserPassword, dir);
      } catch (IOException | SQLException e) {
        stop(server);
        if (attempt < 3 && log(dir).contains("could not bind")) {
          continue;
        }
        throw e;
      }
      Postgres postgres =
          new Postgres(binaries, dir, inUse, runAs, server, port, superuserPassword, password);
      try (Connection admin = postgres.superuser();
          Statement statement = admin.createStatement()) {
        // Quoting of the password is safe: it is hex.
        statement.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + password + "'");
      }
      return postgres;
    }
  }

  /**
   * Starts postgres from a platform thread of its own that lives as long as the JVM: setpriv's
   * parent-death signal is sent when the thread that started the process ends, not the JVM.
   */
  private static Process launch(List<String> runAs, Path binaries, Path dir, Path sockets, int port)
      throws IOException {
    List<String> command =
        command(
            runAs,
            binaries.resolve("postgres"),
            "-D",
            dir.resolve("data").toString(),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "port=" + port,
            "-c",
            "unix_socket_directories=" + sockets,
            "-c",
            "fsync=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "max_connections=200",
            "-c",
            "log_min_messages=warning");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()));
    CompletableFuture<Process> started = new CompletableFuture<>();
    Thread owner =
        Thread.ofPlatform()
            .daemon()
            .name("postgres-" + port)
            .start(
                () -> {
                  try {
                    Process process = builder.start();
                    started.complete(process);
                    process.waitFor();
                  } catch (IOException | RuntimeException e) {
                    started.completeExceptionally(e);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    try {
      return started.get();
    } catch (ExecutionException e) {
      throw new IOException("cannot run " + command.getFirst() + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      owner.interrupt();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting postgres", e);
    }
  }

  private static void awaitReady(Process server, int port, String superuserPassword, Path dir)
      throws IOException, SQLException {
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?connectTimeout=2";
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (true) {
      if (!server.isAlive()) {
        throw new IOException(
            "postgres exited with " + server.exitValue() + "; its log:\n" + log(dir));
      }
      try (Connection c = DriverManager.getConnection(url, SUPERUSER, superuserPassword)) {
        return;
      } catch (SQLException e) {
        // 57P03: "the database system is starting up"; 08001: not listening yet
        if (System.nanoTime() > deadline) {
          throw new SQLException(
              "postgres did not accept connections within " + STARTUP + "; its log:\n" + log(dir),
              e);
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for postgres", e);
      }
    }
  }

  /** Fast shutdown (SIGINT: open sessions are ended), then the temp directory is deleted. */
  private void stop() {
    stop(server);
    deleteRecursively(dir);
    try {
      inUse.close();
    } catch (IOException e) {
      // the directory is gone already
    }
  }

  /**
   * Deletes the temp directories of test JVMs that died before their shutdown hook ran (killed),
   * about 40 MB each: a directory whose {@code in-use} file no live JVM holds a lock on, and whose
   * postgres (if any) has stopped. A directory without that file yet may be another JVM's that is
   * being set up, and is left unless it is an hour old.
   */
  private static void removeLeftovers(Path base) {
    List<Path> leftovers;
    try (Stream<Path> entries = Files.list(base)) {
      leftovers = entries.filter(p -> p.getFileName().toString().startsWith(PREFIX)).toList();
    } catch (IOException e) {
      return;
    }
    for (Path dir : leftovers) {
      try {
        Path inUse = dir.resolve(IN_USE);
        if (!Files.exists(inUse)) {
          if (Files.getLastModifiedTime(dir)
              .toInstant()
              .isBefore(Instant.now().minus(Duration.ofHours(1)))) {
            deleteRecursively(dir);
          }
          continue;
        }
        try (FileChannel channel = FileChannel.open(inUse, WRITE);
            FileLock lock = channel.tryLock()) {
          if (lock != null && !postmasterAlive(dir)) {
            deleteRecursively(dir);
          }
        }
      } catch (IOException | RuntimeException e) {
        // another user's, or just deleted by another JVM: not ours to clean
      }
    }
  }

  private static boolean postmasterAlive(Path dir) throws IOException {
    Path pidFile = dir.resolve("data").resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return false;
    }
    String pid = Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
    return pid.matches("\\d+") && ProcessHandle.of(Long.parseLong(pid)).isPresent();
  }

  private static void stop(Process server) {
    if (!server.isAlive()) {
      return;
    }
    try {
      // As root, kill may signal the system user's postmaster; Process.destroy() would send
      // SIGTERM, postgres's "smart" shutdown, which waits for every client to disconnect.
      new ProcessBuilder("kill", "-INT", Long.toString(server.pid()))
          .redirectErrorStream(true)
          .start()
          .waitFor();
      if (!server.waitFor(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS)) {
        server.destroyForcibly();
        server.waitFor(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (IOException e) {
      server.destroyForcibly();
    } catch (InterruptedException e) {
      server.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static boolean isRoot() {
    try {
      // /proc/self belongs to the process's effective user
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /**
   * The prefix that runs a program as {@link #SYSTEM_USER}, created first if missing: setpriv
   * (util-linux), which execs in place and takes a parent-death signal, else runuser.
   */
  private static List<String> runAsSystemUser() throws IOException {
    if (!succeeds(List.of("id", "-u", SYSTEM_USER))) {
      String failure =
          output(
              List.of(
                  "useradd",
                  "--system",
                  "--no-create-home",
                  "--user-group",
                  "--shell",
                  "/usr/sbin/nologin",
                  SYSTEM_USER));
      // Another test JVM may have created it meanwhile.
      if (!succeeds(List.of("id", "-u", SYSTEM_USER))) {
        throw new IOException(
            "tests run as root and PostgreSQL refuses root, but the user "
                + SYSTEM_USER
                + " could not be created: "
                + failure);
      }
    }
    if (onPath("setpriv")) {
      String group = output(List.of("id", "-g", SYSTEM_USER)).strip();
      return List.of(
          "setpriv",
          "--reuid=" + SYSTEM_USER,
          "--regid=" + group,
          "--init-groups",
          PDEATHSIG,
          "--");
    }
    if (onPath("runuser")) {
      return List.of("runuser", "-u", SYSTEM_USER, "--");
    }
    throw new IOException(
        "tests run as root and PostgreSQL refuses root, but neither setpriv nor runuser"
            + " (util-linux) is installed to run it as "
            + SYSTEM_USER);
  }

  /**
   * Where the temp directory goes: java.io.tmpdir, unless the system user could not reach it (some
   * directory above it closed to others), then /tmp.
   */
  private static Path tempBase(boolean root) {
    Path base = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    if (!root) {
      return base;
    }
    for (Path p = base; p != null; p = p.getParent()) {
      try {
        if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          return Path.of("/tmp");
        }
      } catch (IOException e) {
        return Path.of("/tmp");
      }
    }
    return base;
  }

  private static List<String> command(List<String> runAs, Path program, String... args) {
    List<String> command = new ArrayList<>(runAs);
    command.add(program.toString());
    command.addAll(List.of(args));
    return command;
  }

  /** Runs {@code command} to its end in {@code dir}, failing with its output unless it succeeds. */
  private static void run(List<String> command, Path dir) throws IOException {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = waitFor(process);
    if (exit != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + exit + ":\n" + output);
    }
  }

  private static String output(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    waitFor(process);
    return output;
  }

  private static boolean succeeds(List<String> command) throws IOException {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return waitFor(process) == 0;
  }

  private static int waitFor(Process process) throws IOException {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    List<String> dirs =
        new ArrayList<>(List.of(path == null ? new String[0] : path.split(":", -1)));
    dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin"));
    return dirs.stream()
        .filter(d -> !d.isEmpty())
        .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String log(Path dir) {
    try {
      return Files.readString(dir.resolve("postgres.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temp directory left behind is no failure of the tests
    }
  }

  @Override
  public String toString() {
    return "PostgreSQL from " + binaries + " on 127.0.0.1:" + port + " in " + dir + runAs;
  }
}
