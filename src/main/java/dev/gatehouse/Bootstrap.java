package dev.gatehouse;

import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.ApiKeys;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.crypto.Passwords;
import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.store.Writer;
import dev.gatehouse.user.Groups;
import dev.gatehouse.user.Users;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * First start on an empty database: an {@code admin} user in group {@code admins} and an admin API
 * key, both in one transaction together with the marker that says the bootstrap happened, so it
 * happens exactly once. Secrets come from the environment or are generated and printed once.
 */
final class Bootstrap {
  static final String PASSWORD_ENV = "GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD";
  static final String API_KEY_ENV = "GATEHOUSE_BOOTSTRAP_API_KEY";
  private static final Logger LOG = Logger.getLogger(Bootstrap.class.getName());

  /**
   * A bootstrap API key is an admin credential that an operator types or pastes: at least 32
   * characters (with the 64 characters of a generated key that is far more than 128 bits; with
   * lower-case letters alone still 150) and not mostly one character repeated.
   */
  static final int MIN_API_KEY_LENGTH = 32;

  static final int MIN_API_KEY_DISTINCT = 8;

  /** The admin's first password: the login form's own floor would be the hash cost alone. */
  static final int MIN_PASSWORD_LENGTH = 12;

  private Bootstrap() {}

  /**
   * Refuses, as a configuration error and before anything is opened or bound, bootstrap secrets too
   * weak to guard the admin: checked at every start, used or not, since a weak key in the
   * environment is still the key that was bootstrapped with.
   */
  static void requireStrongSecrets(Map<String, String> env) {
    String apiKey = env.get(API_KEY_ENV);
    if (apiKey != null
        && !apiKey.isEmpty()
        && (apiKey.length() < MIN_API_KEY_LENGTH
            || apiKey.chars().distinct().count() < MIN_API_KEY_DISTINCT)) {
      throw new ConfigException(
          API_KEY_ENV,
          "the bootstrap API key must be at least "
              + MIN_API_KEY_LENGTH
              + " characters with at least "
              + MIN_API_KEY_DISTINCT
              + " different ones (e.g. `openssl rand -base64 32`), or unset to have one generated"
              + " and printed once");
    }
    String password = env.get(PASSWORD_ENV);
    if (password != null && !password.isEmpty() && password.length() < MIN_PASSWORD_LENGTH) {
      throw new ConfigException(
          PASSWORD_ENV,
          "the bootstrap admin password must be at least "
              + MIN_PASSWORD_LENGTH
              + " characters, or unset to have one generated and printed once");
    }
  }

  static void runOnce(
      Writer writer,
      Passwords passwords,
      Secrets secrets,
      InstantSource clock,
      Map<String, String> env) {
    if (Boolean.TRUE.equals(writer.write(tx -> tx.count("SELECT COUNT(*) FROM bootstrap") > 0))) {
      return;
    }
    String password = env.get(PASSWORD_ENV);
    boolean generatedPassword = password == null || password.isEmpty();
    if (generatedPassword) {
      password = secrets.generate("").substring(0, 24);
    }
    String apiKey = env.get(API_KEY_ENV);
    boolean generatedKey = apiKey == null || apiKey.isEmpty();
    if (generatedKey) {
      apiKey = secrets.generate("gh_ak_");
    }
    String hash = passwords.hash(password);
    String key = apiKey;
    boolean done =
        writer.write(
            tx -> {
              // Nodes of a new cluster starting together: one bootstraps, the others find it done.
              tx.waitForJob("bootstrap");
              if (tx.count("SELECT COUNT(*) FROM bootstrap") > 0) {
                return false;
              }
              long now = clock.millis();
              Groups.bootstrapAdmins(tx, now);
              Users.bootstrapAdmin(tx, now, hash, List.of("admins"));
              ApiKeys.insert(tx, now, "bootstrap", ApiKey.Role.admin, null, Secrets.digest(key));
              tx.update("INSERT INTO bootstrap (id, completed_at) VALUES (1, ?)", now);
              return true;
            });
    if (!done) {
      return;
    }
    // Printed to stdout, not the log, and only when generated: these are the only copies.
    if (generatedPassword) {
      System.out.println("Bootstrap: user 'admin' created with password: " + password);
    }
    if (generatedKey) {
      System.out.println("Bootstrap: admin API key: " + key);
    }
    LOG.info("bootstrap done: user admin and API key 'bootstrap' created");
  }
}
