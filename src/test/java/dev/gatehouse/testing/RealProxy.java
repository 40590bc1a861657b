package dev.gatehouse.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real nginx or Caddy from the system's packages, run by the test as the current user on a
 * loopback port, with its config, pid, logs and temp files in the test's own directory: no system
 * service and nothing outside {@code dir} is touched. Each sits in front of an upstream and asks
 * Gatehouse about every request, configured as docs/proxies.md tells users to.
 *
 * <p>Where a proxy is not installed its tests are skipped, saying how to install it; with {@code
 * GATEHOUSE_REQUIRE_PROXIES=1} (as CI sets) they fail instead, so CI cannot pass without them.
 */
public final class RealProxy implements AutoCloseable {
  public static final String REQUIRE_ENV = "GATEHOUSE_REQUIRE_PROXIES";
  private static final Duration STARTUP = Duration.ofSeconds(15);

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;

  private RealProxy(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Where Gatehouse and the upstream listen, as a proxy sees them, and the host name (without port)
   * under which the proxy serves the portal, Gatehouse itself; every other host is the app.
   */
  public record Wiring(int gatehousePort, int upstreamPort, String portalHost) {}

  /**
   * The proxies these tests run, each with where Debian's package installs it and how it talks to
   * Gatehouse (the HTTP version of its requests, and whether it keeps connections open).
   */
  public enum Kind {
    /** nginx as docs/proxies.md configures it: {@code proxy_pass}'s defaults, HTTP/1.0. */
    NGINX("nginx", "/usr/sbin/nginx", "HTTP/1.0", false),
    /**
     * nginx with the keep-alive docs/proxies.md recommends under load: an {@code upstream} block
     * with {@code keepalive}, {@code proxy_http_version 1.1} and an empty {@code Connection}.
     */
    NGINX_KEEPALIVE("nginx", "/usr/sbin/nginx", "HTTP/1.1", true),
    /** Caddy, whose {@code forward_auth} and {@code reverse_proxy} keep connections by default. */
    CADDY("caddy", "/usr/bin/caddy", "HTTP/1.1", true);

    private final String command;
    private final String debianPath;
    private final String upstreamVersion;
    private final boolean keepsConnections;

    Kind(String command, String debianPath, String upstreamVersion, boolean keepsConnections) {
      this.command = command;
      this.debianPath = debianPath;
      this.upstreamVersion = upstreamVersion;
      this.keepsConnections = keepsConnections;
    }

    /** The HTTP version of the requests this proxy sends Gatehouse, as in its request line. */
    public String upstreamVersion() {
      return upstreamVersion;
    }

    /** Whether this proxy keeps its connections to Gatehouse open between requests. */
    public boolean keepsConnections() {
      return keepsConnections;
    }

    /**
     * The binary, on the PATH or at Debian's location; where there is none the calling test is
     * skipped, or fails under {@code GATEHOUSE_REQUIRE_PROXIES=1}.
     */
    public Path installed() {
      return RealProxy.installed(command, debianPath);
    }

    /** Starts this proxy on {@code port} with its files under {@code dir}. */
    public RealProxy start(Path dir, int port, Wiring wiring) {
      return switch (this) {
        case NGINX -> nginx(installed(), dir, port, wiring, false);
        case NGINX_KEEPALIVE -> nginx(installed(), dir, port, wiring, true);
        case CADDY -> caddy(installed(), dir, port, wiring);
      };
    }
  }

  /**
   * nginx with auth_request to {@code /api/authz/auth-request}, answering 401 with a redirect to
   * the portal through error_page, to the Location Gatehouse put on its 401; and the portal, all of
   * Gatehouse, proxied under {@code wiring.portalHost()}. With {@code keepAlive} nginx asks
   * Gatehouse over HTTP/1.1 on kept connections (an {@code upstream} block with {@code keepalive}),
   * else on its defaults: HTTP/1.0, a new connection per request.
   */
  private static RealProxy nginx(
      Path binary, Path dir, int port, Wiring wiring, boolean keepAlive) {
    // Run as root, nginx's workers would switch to nobody, who may not enter the test's private
    // temp directory; keep them as the current user, as they are for anyone else.
    String user = nginxUser();
    String gatehouse =
        keepAlive ? "http://gatehouse" : "http://127.0.0.1:" + wiring.gatehousePort();
    String http11 =
        keepAlive ? "\n      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";" : "";
    String conf =
        """
        %s
        worker_processes 1;
        pid nginx.pid;
        error_log stderr info;
        events { worker_connections 64; }
        http {
          access_log access.log;
          client_body_temp_path tmp/body;
          proxy_temp_path tmp/proxy;
          fastcgi_temp_path tmp/fastcgi;
          uwsgi_temp_path tmp/uwsgi;
          scgi_temp_path tmp/scgi;

          # Gatehouse's cookies (gh_*) stay with Gatehouse; the app gets its own. A map replaces
          # once, so each map drops one gh_ cookie (the last, the first or a middle one, or the
          # only one); the last map sends no cookie at all if yet more remain.
          map $http_cookie $gatehouse_cookie_1 {
            "~^(?<keep>.*?)\\s*;\\s*gh_[^;]*$" $keep;
            "~^(?<pre>(?:.*?;\\s*)?)gh_[^;]*;\\s*(?<post>.*)$" $pre$post;
            "~^\\s*gh_[^;]*$" "";
            default $http_cookie;
          }
          map $gatehouse_cookie_1 $gatehouse_cookie_2 {
            "~^(?<keep>.*?)\\s*;\\s*gh_[^;]*$" $keep;
            "~^(?<pre>(?:.*?;\\s*)?)gh_[^;]*;\\s*(?<post>.*)$" $pre$post;
            "~^\\s*gh_[^;]*$" "";
            default $gatehouse_cookie_1;
          }
          map $gatehouse_cookie_2 $gatehouse_cookie_3 {
            "~^(?<keep>.*?)\\s*;\\s*gh_[^;]*$" $keep;
            "~^(?<pre>(?:.*?;\\s*)?)gh_[^;]*;\\s*(?<post>.*)$" $pre$post;
            "~^\\s*gh_[^;]*$" "";
            default $gatehouse_cookie_2;
          }
          map $gatehouse_cookie_3 $app_cookie {
            "~(?:^|;)\\s*gh_[^;]*;(?:[^;]*;)*?\\s*gh_" "";
            "~^(?<keep>.*?)\\s*;\\s*gh_[^;]*$" $keep;
            "~^(?<pre>(?:.*?;\\s*)?)gh_[^;]*;\\s*(?<post>.*)$" $pre$post;
            "~^\\s*gh_[^;]*$" "";
            default $gatehouse_cookie_3;
          }

          %s
          server {
            listen 127.0.0.1:%d;

            location / {
              auth_request /internal/gatehouse;
              auth_request_set $gatehouse_user $upstream_http_remote_user;
              auth_request_set $gatehouse_groups $upstream_http_remote_groups;
              auth_request_set $gatehouse_email $upstream_http_remote_email;
              auth_request_set $gatehouse_name $upstream_http_remote_name;
              proxy_set_header Remote-User $gatehouse_user;
              proxy_set_header Remote-Groups $gatehouse_groups;
              proxy_set_header Remote-Email $gatehouse_email;
              proxy_set_header Remote-Name $gatehouse_name;
              proxy_set_header Cookie $app_cookie;
              proxy_set_header Authorization "";
              auth_request_set $gatehouse_redirect $upstream_http_location;
              error_page 401 =302 $gatehouse_redirect;
              proxy_pass http://127.0.0.1:%d;
            }

            location = /internal/gatehouse {
              internal;
              proxy_pass %s/api/authz/auth-request;%s
              proxy_pass_request_body off;
              proxy_set_header Content-Length "";
              proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
              proxy_set_header X-Original-Method $request_method;
              proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            }
          }

          # The portal: sign-in, account pages, OIDC; all of Gatehouse.
          server {
            listen 127.0.0.1:%d;
            server_name %s;

            location / {
              proxy_pass %s;%s
              proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            }
          }
        }
        """
            .formatted(
                user,
                keepAlive
                    ? """
                      upstream gatehouse {
                        server 127.0.0.1:%d;
                        keepalive 32;
                      }
                      """
                        .formatted(wiring.gatehousePort())
                    : "",
                port,
                wiring.upstreamPort(),
                gatehouse,
                http11,
                port,
                wiring.portalHost(),
                gatehouse,
                http11);
    return nginx(binary, dir, port, conf);
  }

  /**
   * nginx with the whole configuration {@code conf} (it must listen on {@code port}, keep its pid
   * and temp files relative to its prefix, and run as {@link #nginxUser()}), for tests that wire it
   * their own way (several Gatehouse nodes behind one upstream).
   */
  public static RealProxy nginx(Path dir, int port, String conf) {
    return nginx(Kind.NGINX.installed(), dir, port, conf);
  }

  /** The {@code user} directive nginx needs here: as root, its workers stay root (see above). */
  public static String nginxUser() {
    return "root".equals(System.getProperty("user.name")) ? "user root;" : "";
  }

  private static RealProxy nginx(Path binary, Path dir, int port, String conf) {
    try {
      Path prefix = Files.createDirectories(dir.resolve("nginx"));
      Files.createDirectories(prefix.resolve("tmp"));
      Path confFile = Files.writeString(prefix.resolve("nginx.conf"), conf);
      return start(
          "nginx",
          List.of(
              binary.toString(),
              "-p",
              prefix + "/",
              "-c",
              confFile.toString(),
              "-e",
              "stderr",
              "-g",
              "daemon off;"),
          Map.of(),
          prefix,
          port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Caddy with forward_auth to {@code /api/authz/forward-auth}, and the portal, all of Gatehouse,
   * under {@code wiring.portalHost()}.
   */
  private static RealProxy caddy(Path binary, Path dir, int port, Wiring wiring) {
    String caddyfile =
        """
        {
        	admin off
        	auto_https off
        }

        http://:%d {
        	bind 127.0.0.1
        	route {
        		request_header -Remote-User
        		request_header -Remote-Groups
        		request_header -Remote-Email
        		request_header -Remote-Name
        		forward_auth 127.0.0.1:%d {
        			uri /api/authz/forward-auth
        			copy_headers Remote-User Remote-Groups Remote-Email Remote-Name
        		}
        		reverse_proxy 127.0.0.1:%d {
        			header_up -Authorization
        			header_up Cookie "(^|;)\\s*gh_[^;]*" "$1"
        			header_up Cookie ";(\\s*;)+\\s*" "; "
        			header_up Cookie "^[;\\s]*(.*?)[;\\s]*$" "$1"
        		}
        	}
        }

        http://%s:%d {
        	bind 127.0.0.1
        	reverse_proxy 127.0.0.1:%d
        }
        """
            .formatted(
                port,
                wiring.gatehousePort(),
                wiring.upstreamPort(),
                wiring.portalHost(),
                port,
                wiring.gatehousePort());
    try {
      Path home = Files.createDirectories(dir.resolve("caddy"));
      Path file = Files.writeString(home.resolve("Caddyfile"), caddyfile);
      // Caddy keeps state under $HOME and the XDG dirs; point them into the test's directory.
      return start(
          "caddy",
          List.of(binary.toString(), "run", "--config", file.toString(), "--adapter", "caddyfile"),
          Map.of(
              "HOME", home.toString(),
              "XDG_CONFIG_HOME", home.resolve("config").toString(),
              "XDG_DATA_HOME", home.resolve("data").toString()),
          home,
          port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A loopback port nobody listens on right now, for a proxy that must be told its port. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  /** What the proxy logged so far; for failure messages. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + " on 127.0.0.1:" + port;
  }

  private static Path installed(String name, String debianPath) {
    List<String> places = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      places.addAll(List.of(path.split(File.pathSeparator)));
    }
    Optional<Path> found =
        places.stream()
            .filter(p -> !p.isEmpty())
            .map(p -> Path.of(p, name))
            .filter(Files::isExecutable)
            .findFirst()
            .or(() -> Optional.of(Path.of(debianPath)).filter(Files::isExecutable));
    if (found.isPresent()) {
      return found.get();
    }
    String missing =
        name
            + " is not installed (looked on the PATH and at "
            + debianPath
            + "); install it to run this test, e.g. sudo apt-get install -y "
            + name;
    if ("1".equals(System.getenv(REQUIRE_ENV))) {
      throw new AssertionError(missing + " (" + REQUIRE_ENV + "=1 makes it mandatory)");
    }
    return Assumptions.abort(missing);
  }

  private static RealProxy start(
      String name, List<String> command, Map<String, String> env, Path dir, int port)
      throws IOException {
    Path log = dir.resolve(name + ".out");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    RealProxy proxy = new RealProxy(name, builder.start(), port, log);
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!proxy.process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + proxy.process.exitValue() + ":\n" + proxy.log());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return proxy;
      } catch (IOException notYet) {
        sleep();
      }
    }
    proxy.close();
    throw new IllegalStateException(name + " did not listen on " + port + ":\n" + proxy.log());
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
