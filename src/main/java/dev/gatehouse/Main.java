package dev.gatehouse;

import dev.gatehouse.admin.provisioning.Declaration;
import dev.gatehouse.admin.provisioning.ProvisioningException;
import dev.gatehouse.admin.provisioning.ProvisioningFile;
import dev.gatehouse.config.Config;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.crypto.Argon2Params;
import dev.gatehouse.crypto.Passwords;
import dev.gatehouse.store.Backups;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The command line: {@code serve}, {@code version}, {@code config check}, {@code hash-password},
 * {@code backup}, {@code restore}.
 */
@Command(
    name = "gatehouse",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Self-hosted identity provider and access gateway.",
    subcommands = {
      Main.Serve.class,
      Main.VersionCommand.class,
      Main.ConfigCommand.class,
      Main.HashPassword.class,
      Main.Backup.class,
      Main.Restore.class,
      Main.ApplyCommand.class
    })
public final class Main implements Runnable {
  /** Exit code for configuration errors, before any port is bound. */
  static final int CONFIG_ERROR = 2;

  /** Exit code of a backup or restore that refused, changing nothing. */
  static final int REFUSED = 2;

  @Spec CommandLine.Model.@Nullable CommandSpec spec;

  private final Map<String, String> env;
  private final InputStream stdin;

  public Main() {
    this(System.getenv(), System.in);
  }

  /** A command line that reads {@code env} instead of the process environment, for tests. */
  public Main(Map<String, String> env, InputStream stdin) {
    this.env = Map.copyOf(env);
    this.stdin = stdin;
  }

  public static void main(String[] args) {
    System.setProperty(
        "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    // `serve` as the launcher and service units run it goes straight to the server: picocli is
    // Java 5 bytecode, which the JDK's ahead-of-time cache cannot hold, and building its model of
    // the commands took half a second of every start. Any other command line, `serve --help`
    // among them, is picocli's.
    PlainServe plain = PlainServe.of(args);
    if (plain != null) {
      PrintWriter err =
          new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
      int code;
      try {
        code = serve(plain.config(), System.getenv(), err);
      } catch (RuntimeException e) {
        // as picocli ends a command that threw: the trace, exit code 1 (and no thread left
        // running keeps the JVM alive)
        e.printStackTrace(err);
        code = 1;
      }
      System.exit(code);
    }
    System.exit(new CommandLine(new Main()).execute(args));
  }

  /**
   * {@code serve} alone or with {@code --config PATH} (or {@code --config=PATH}): the forms that
   * {@link #main} starts without picocli.
   *
   * @param config the file, or null for none given
   */
  record PlainServe(@Nullable Path config) {
    static @Nullable PlainServe of(String[] args) {
      if (args.length == 0 || !args[0].equals("serve")) {
        return null;
      }
      if (args.length == 1) {
        return new PlainServe(null);
      }
      if (args.length == 2 && args[1].startsWith("--config=") && args[1].length() > 9) {
        return new PlainServe(Path.of(args[1].substring(9)));
      }
      if (args.length == 3 && args[1].equals("--config") && !args[2].startsWith("-")) {
        return new PlainServe(Path.of(args[2]));
      }
      return null;
    }
  }

  @Override
  public void run() {
    if (spec != null) {
      spec.commandLine().usage(System.out);
    }
  }

  /** Options shared by commands that read the configuration, and what they run with. */
  static final class ConfigOption {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.@Nullable CommandSpec command;

    @Option(
        names = "--config",
        paramLabel = "PATH",
        description =
            "TOML configuration file (default: $GATEHOUSE_CONFIG, else built-in defaults)")
    @Nullable Path config;

    Config load() {
      return load(Map.of());
    }

    /** The configuration with {@code overrides} set as if they were in the environment. */
    Config load(Map<String, String> overrides) {
      Map<String, String> env = new java.util.HashMap<>(main().env);
      env.putAll(overrides);
      return loadConfig(config, env);
    }

    Main main() {
      return (Main) spec().root().userObject();
    }

    PrintWriter out() {
      return spec().commandLine().getOut();
    }

    PrintWriter err() {
      return spec().commandLine().getErr();
    }

    private CommandLine.Model.CommandSpec spec() {
      return Objects.requireNonNull(command, "picocli injects the command spec");
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the server.")
  static final class Serve implements Callable<Integer> {
    @CommandLine.Mixin ConfigOption options = new ConfigOption();

    @Override
    public Integer call() {
      return serve(options.config, options.main().env, options.err());
    }
  }

  /** The file given, else {@code $GATEHOUSE_CONFIG}, else none; then the environment over it. */
  static Config loadConfig(@Nullable Path file, Map<String, String> env) {
    Path path = file;
    if (path == null && env.get("GATEHOUSE_CONFIG") != null) {
      path = Path.of(env.get("GATEHOUSE_CONFIG"));
    }
    return ConfigLoader.load(path, env);
  }

  /** Runs the server until SIGTERM or SIGINT; the exit code. */
  static int serve(@Nullable Path file, Map<String, String> env, PrintWriter err) {
    Config config;
    try {
      config = loadConfig(file, env);
    } catch (ConfigException e) {
      err.println("config error: " + e.getMessage());
      return CONFIG_ERROR;
    }
    // Carrier threads for virtual threads; must be set before the first virtual thread exists.
    System.setProperty(
        "jdk.virtualThreadScheduler.parallelism",
        Integer.toString(config.server().effectiveHttpWorkers()));
    Gatehouse gatehouse;
    try {
      gatehouse = Gatehouse.start(config, env);
    } catch (ConfigException e) {
      err.println("config error: " + e.getMessage());
      return CONFIG_ERROR;
    }
    CountDownLatch stop = new CountDownLatch(1);
    for (String name : new String[] {"TERM", "INT"}) {
      sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.countDown());
    }
    awaitUninterruptibly(stop);
    gatehouse.close();
    return 0;
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    while (true) {
      try {
        latch.await();
        return;
      } catch (InterruptedException e) {
        // keep waiting: only a signal ends the server
      }
    }
  }

  @Command(name = "version", description = "Print the version.")
  static final class VersionCommand implements Runnable {
    @Override
    public void run() {
      System.out.println(new Version().getVersion()[0]);
    }
  }

  @Command(
      name = "config",
      mixinStandardHelpOptions = true,
      description = "Configuration tools.",
      subcommands = {ConfigCommand.Check.class})
  static final class ConfigCommand implements Runnable {
    @Spec CommandLine.Model.@Nullable CommandSpec spec;

    @Override
    public void run() {
      if (spec != null) {
        spec.commandLine().usage(System.out);
      }
    }

    @Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = "Validate the configuration (file and environment) and print it resolved.")
    static final class Check implements Callable<Integer> {
      @CommandLine.Mixin ConfigOption options = new ConfigOption();

      @Override
      public Integer call() {
        try {
          Config config = options.load();
          options.out().println("configuration ok");
          options.out().println(config);
          return 0;
        } catch (ConfigException e) {
          options.err().println("config error: " + e.getMessage());
          return CONFIG_ERROR;
        }
      }
    }
  }

  @Command(
      name = "hash-password",
      mixinStandardHelpOptions = true,
      description = "Read a password from stdin and print its Argon2id hash (PHC string).")
  static final class HashPassword implements Callable<Integer> {
    @CommandLine.Mixin ConfigOption options = new ConfigOption();

    @Override
    public Integer call() throws Exception {
      Config config;
      try {
        config = options.load();
      } catch (ConfigException e) {
        options.err().println("config error: " + e.getMessage());
        return CONFIG_ERROR;
      }
      String password =
          new BufferedReader(new InputStreamReader(options.main().stdin, StandardCharsets.UTF_8))
              .readLine();
      if (password == null || password.isEmpty()) {
        options.err().println("no password on stdin");
        return 1;
      }
      Config.Hashing h = config.hashing();
      SecureRandom random = new SecureRandom();
      Passwords passwords =
          new Passwords(
              new Argon2Params(h.argon2MCost(), h.argon2TCost(), h.argon2PCost()),
              h.maxHashThreads(),
              () -> random,
              new PrometheusRegistry());
      try {
        // the server's check, so that a configuration that hashes here also starts
        Gatehouse.requireHeapForHashing(
            h,
            passwords.peakHeapBytes(),
            Gatehouse.longLivedHeap(),
            Runtime.getRuntime().maxMemory());
      } catch (ConfigException e) {
        options.err().println("config error: " + e.getMessage());
        return CONFIG_ERROR;
      }
      options.out().println(passwords.hash(password));
      options.out().flush();
      return 0;
    }
  }

  @Command(
      name = "backup",
      mixinStandardHelpOptions = true,
      description =
          "Copy the SQLite database of a running or stopped instance to a new file, consistently,"
              + " without stopping writes.")
  static final class Backup implements Callable<Integer> {
    @CommandLine.Mixin ConfigOption options = new ConfigOption();

    @Option(
        names = "--to",
        required = true,
        paramLabel = "PATH",
        description = "the new file (never overwritten), owner-only")
    @Nullable Path to;

    @Override
    public Integer call() {
      return report(options, config -> Backups.backup(config, Objects.requireNonNull(to)));
    }
  }

  @Command(
      name = "restore",
      mixinStandardHelpOptions = true,
      description =
          "Replace the database of a stopped data directory by a backup, after checking its"
              + " integrity; the replaced one is kept beside it.")
  static final class Restore implements Callable<Integer> {
    @CommandLine.Mixin ConfigOption options = new ConfigOption();

    @CommandLine.Parameters(paramLabel = "PATH", description = "the backup to restore")
    @Nullable Path from;

    @Override
    public Integer call() {
      return report(
          options,
          config -> Backups.restore(config, Objects.requireNonNull(from), InstantSource.system()));
    }
  }

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description =
          "Apply a provisioning file (groups, users, apps, clients, API keys; docs/provisioning.md)"
              + " to a running or stopped instance, all or nothing. A running server that holds the"
              + " SQLite database is sent the file, secrets resolved, through its admin API: give an"
              + " admin API key in $GATEHOUSE_API_KEY or --api-key-file.")
  static final class ApplyCommand implements Callable<Integer> {
    @CommandLine.Mixin ConfigOption options = new ConfigOption();

    @CommandLine.Parameters(paramLabel = "FILE", description = "the provisioning file (TOML)")
    @Nullable Path file;

    @Option(names = "--dry-run", description = "print what would change; change nothing")
    boolean dryRun;

    @Option(
        names = "--prune",
        description = "also delete the objects the file manages and no longer declares")
    boolean prune;

    @Option(
        names = "--server",
        paramLabel = "URL",
        description = "send it to the server at URL (default: server.listen, when it is running)")
    @Nullable URI server;

    @Option(
        names = "--api-key-file",
        paramLabel = "PATH",
        description = "a file holding the admin API key (default: $GATEHOUSE_API_KEY)")
    @Nullable Path apiKeyFile;

    @Override
    public Integer call() throws Exception {
      Map<String, String> env = options.main().env;
      Path source = Objects.requireNonNull(file);
      Apply.Result result;
      try {
        Config config = options.load();
        Declaration declaration = ProvisioningFile.read(source, env::get);
        URI target =
            server != null
                ? server
                : Backups.held(config) ? Apply.serverAt(config.server().listen()) : null;
        if (target != null) {
          String key = apiKey(env);
          if (key == null) {
            options
                .err()
                .println(
                    "refused: a server is running on this database: give an admin API key in"
                        + " $GATEHOUSE_API_KEY or --api-key-file (or stop the server); nothing"
                        + " changed");
            return REFUSED;
          }
          result = Apply.remote(declaration, prune, dryRun, target, key);
        } else {
          java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
          result = Apply.local(declaration, prune, dryRun, options::load, env);
        }
      } catch (ProvisioningException e) {
        e.problems().forEach(options.err()::println);
        options.err().println("nothing was applied");
        return REFUSED;
      } catch (Apply.ApplyRefused e) {
        options.err().println(e.getMessage());
        options.err().println("nothing was applied");
        return REFUSED;
      } catch (IOException e) {
        options.err().println("cannot reach the server: " + e + "; nothing was applied");
        return 1;
      } catch (ConfigException e) {
        options.err().println("config error: " + e.getMessage());
        return CONFIG_ERROR;
      }
      PrintWriter out = options.out();
      if (result.changes().isEmpty()) {
        out.println(source + ": nothing to change");
        return 0;
      }
      out.println(
          source
              + ": "
              + result.changes().size()
              + (result.changes().size() == 1 ? " change" : " changes")
              + (dryRun ? " (dry run: nothing changed)" : " applied"));
      result.changes().forEach(c -> out.println("  " + c));
      return 0;
    }

    private @Nullable String apiKey(Map<String, String> env) throws IOException {
      if (apiKeyFile != null) {
        return java.nio.file.Files.readString(apiKeyFile, StandardCharsets.UTF_8).strip();
      }
      String key = env.get("GATEHOUSE_API_KEY");
      return key == null || key.isBlank() ? null : key.strip();
    }
  }

  /** Runs a backup or restore: 0 done, 2 refused (or a configuration error), with one line. */
  private static int report(ConfigOption options, Function<Config, Backups.Outcome> command) {
    Config config;
    try {
      config = options.load();
    } catch (ConfigException e) {
      options.err().println("config error: " + e.getMessage());
      return CONFIG_ERROR;
    }
    return switch (command.apply(config)) {
      case Backups.Outcome.Done done -> {
        options.out().println(done.message());
        yield 0;
      }
      case Backups.Outcome.Refused refused -> {
        options.err().println("refused: " + refused.message());
        yield REFUSED;
      }
    };
  }

  /**
   * The version and commit from the jar's manifest (written by the build: {@code pom.xml}, shade
   * and git-commit-id), or "dev" when run from classes.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {describe(manifest())};
    }

    /** "gatehouse VERSION (commit C)" from a jar manifest's main attributes; "gatehouse dev". */
    static String describe(@Nullable Attributes manifest) {
      String version = manifest == null ? null : manifest.getValue("Implementation-Version");
      if (version == null) {
        return "gatehouse dev";
      }
      String commit = manifest.getValue("Gatehouse-Commit");
      if (commit != null && commit.startsWith("${")) {
        commit = null; // built from sources without git: the build could not tell
      }
      boolean dirty = "true".equals(manifest.getValue("Gatehouse-Dirty"));
      return "gatehouse "
          + version
          + (commit == null
              ? ""
              : " (commit " + commit + (dirty ? ", uncommitted changes" : "") + ")");
    }

    /** The main attributes of the jar this class was loaded from, or null outside a jar. */
    private static @Nullable Attributes manifest() {
      try {
        CodeSource source = Main.class.getProtectionDomain().getCodeSource();
        if (source == null || !source.getLocation().getPath().endsWith(".jar")) {
          return null;
        }
        try (JarFile jar = new JarFile(Path.of(source.getLocation().toURI()).toFile())) {
          Manifest manifest = jar.getManifest();
          return manifest == null ? null : manifest.getMainAttributes();
        }
      } catch (IOException | URISyntaxException e) {
        return null;
      }
    }
  }
}
