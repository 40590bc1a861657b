package dev.gatehouse.web;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte: what the limit tests need and a real client would
 * never send (headers without their end, a dribble, an oversized request line), and the answers
 * read as they come, including a connection closed without one.
 */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects to 127.0.0.1:{@code port}; reads wait at most 10 s. */
  static RawHttp connect(int port) {
    return connect(port, "127.0.0.1");
  }

  /** Connects to 127.0.0.1:{@code port} from {@code from}, another loopback address. */
  static RawHttp connect(int port, String from) {
    try {
      Socket socket = new Socket();
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(10_000);
      socket.setTcpNoDelay(true);
      return new RawHttp(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An answer: status, headers (names lower-cased), body as text, and the version of its status
   * line ({@code HTTP/1.1}).
   */
  record Answer(int status, Map<String, String> headers, String body, String version) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  RawHttp send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code text} and reads the answer. */
  Answer exchange(String text) {
    send(text);
    return read();
  }

  /** A GET of {@code path} on this connection, kept alive. */
  Answer get(String path) {
    return exchange("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n");
  }

  /** Reads one answer (Content-Length, chunked, or up to the close). */
  Answer read() {
    try {
      String statusLine = line();
      if (statusLine == null) {
        throw new EOFException("connection closed without an answer");
      }
      String[] parts = statusLine.split(" ", 3);
      int status = Integer.parseInt(parts[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line = line(); line != null && !line.isEmpty(); line = line()) {
        int colon = line.indexOf(':');
        headers.put(
            line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).strip());
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      String length = headers.get("content-length");
      if (length != null) {
        body.write(in.readNBytes(Integer.parseInt(length)));
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        for (int size = chunkSize(); size > 0; size = chunkSize()) {
          body.write(in.readNBytes(size));
          line();
        }
        line();
      } else {
        in.transferTo(body);
      }
      return new Answer(status, headers, body.toString(StandardCharsets.UTF_8), parts[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int chunkSize() throws IOException {
    String line = line();
    if (line == null) {
      throw new EOFException("connection closed inside a chunked body");
    }
    int semicolon = line.indexOf(';');
    return Integer.parseInt(semicolon < 0 ? line : line.substring(0, semicolon), 16);
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        return line.isEmpty() ? null : line.toString();
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /**
   * Whether the server closed this connection within {@code millis}: end of stream or a reset, with
   * no byte of an answer before it.
   */
  boolean closedWithin(long millis) {
    try {
      socket.setSoTimeout((int) millis);
      int b = in.read();
      if (b >= 0) {
        throw new AssertionError("the server answered instead of closing: " + (char) b);
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends {@code bytes} one at a time, {@code pauseMillis} apart, until they are all sent or the
   * server closes the connection; returns how many were sent before the close was seen, or -1 when
   * all were sent and it is still open.
   */
  int dribble(byte[] bytes, long pauseMillis) throws InterruptedException {
    for (int i = 0; i < bytes.length; i++) {
      try {
        out.write(bytes[i]);
        out.flush();
      } catch (IOException e) {
        return i;
      }
      Thread.sleep(pauseMillis);
      if (closedWithin(1)) {
        return i + 1;
      }
    }
    return -1;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
