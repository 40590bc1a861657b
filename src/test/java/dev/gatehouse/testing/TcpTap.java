package dev.gatehouse.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on a loopback port in front of {@code target}, passing bytes through unchanged both
 * ways, that remembers the first request line of every connection it relayed: so a test sees how a
 * proxy talks to Gatehouse (which HTTP version, a connection per request or connections kept open),
 * which neither the proxy's answers nor Gatehouse's show. Half-closes are passed on, so a side that
 * closes after its answer (HTTP/1.0) is seen to do so by the other.
 */
public final class TcpTap implements AutoCloseable {
  private final ServerSocket server;
  private final int target;
  private final List<String> firstLines = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final List<StringBuffer> transcripts = new CopyOnWriteArrayList<>();
  private final long started = System.nanoTime();

  private TcpTap(ServerSocket server, int target) {
    this.server = server;
    this.target = target;
  }

  /** Relays a new loopback port to {@code 127.0.0.1:target}. */
  public static TcpTap start(int target) {
    try {
      TcpTap tap = new TcpTap(new ServerSocket(0, 64, InetAddress.getLoopbackAddress()), target);
      Thread.ofVirtual().name("tcp-tap-accept").start(tap::accept);
      return tap;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** The first request line of each connection relayed so far, in the order they were read. */
  public List<String> firstLines() {
    return List.copyOf(firstLines);
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        continue; // closing, or a connection that went away before it was accepted
      }
      try {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        open.add(client);
        open.add(upstream);
        AtomicInteger done = new AtomicInteger();
        StringBuffer transcript = new StringBuffer();
        transcripts.add(transcript);
        Thread.ofVirtual().start(() -> pump(client, upstream, true, done, transcript));
        Thread.ofVirtual().start(() -> pump(upstream, client, false, done, transcript));
      } catch (IOException e) {
        closeQuietly(client); // the target refused: so does the tap
      }
    }
  }

  /**
   * Copies {@code from} to {@code to} until EOF, then half-closes {@code to}; the second direction
   * to finish closes both sockets, as does an error in either.
   */
  private void pump(
      Socket from, Socket to, boolean request, AtomicInteger done, StringBuffer transcript) {
    ByteArrayOutputStream line = request ? new ByteArrayOutputStream() : null;
    byte[] buffer = new byte[8192];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) > 0) {
        for (int i = 0; line != null && i < n; i++) {
          if (buffer[i] == '\r' || buffer[i] == '\n') {
            firstLines.add(line.toString(StandardCharsets.ISO_8859_1));
            line = null;
          } else {
            line.write(buffer[i]);
          }
        }
        note(transcript, request, new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        out.write(buffer, 0, n);
        out.flush();
      }
      note(transcript, request, "(end)");
      to.shutdownOutput();
      if (done.incrementAndGet() < 2) {
        return;
      }
    } catch (IOException e) {
      // Reset or closed by the other direction or by close(): end the pair.
      note(transcript, request, "(" + e + ")");
    }
    closeQuietly(from);
    closeQuietly(to);
    open.remove(from);
    open.remove(to);
  }

  /** Everything relayed so far, connection by connection; for failure messages. */
  public String transcript() {
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < transcripts.size(); i++) {
      all.append("--- connection ").append(i + 1).append('\n').append(transcripts.get(i));
    }
    return all.toString();
  }

  private void note(StringBuffer transcript, boolean request, String text) {
    long ms = (System.nanoTime() - started) / 1_000_000;
    transcript.append(ms).append(request ? " ms > " : " ms < ").append(text).append('\n');
  }

  @Override
  public void close() {
    closeQuietly(server);
    open.forEach(TcpTap::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Closing anyway.
    }
  }
}
