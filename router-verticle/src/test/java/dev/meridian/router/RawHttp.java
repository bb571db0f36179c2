package dev.meridian.router;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 over a plain TCP connection, for the security tests: the request goes out byte for byte as
 * given (any body, any content type, odd paths), and the reply is read from the wire, so a test sees
 * exactly what the router wrote (status line, headers, chunk framing, trailers) and a reply cut short is
 * reported as such. One connection per exchange ({@code connection: close}); complete when the reply is
 * (by content-length or the last chunk and its trailers) or when the connection closes.
 *
 * <p>The Vert.x HTTP client driven from a JUnit thread with keep-alive off was seen to stall now and then
 * after an error reply's headers (never completing its body, although the router had sent it whole):
 * dozens of times per 5,000 fuzz cases, never with this client.
 */
final class RawHttp {
  private RawHttp() {}

  /** A reply as received. {@code wire} is every byte the router sent on the connection. */
  record Response(int status, Map<String, String> headers, Buffer body, String trailers, Buffer wire) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    RouterTestBase.Reply reply() {
      return new RouterTestBase.Reply(status, headers, body);
    }
  }

  /** Thrown when no complete reply arrived; says how far it got and what was received. */
  static final class Incomplete extends Exception {
    Incomplete(String message) {
      super(message);
    }
  }

  static Response exchange(NetClient net, int port, String method, String path, Map<String, String> headers,
      byte[] body, long timeoutMs) throws Exception {
    StringBuilder head = new StringBuilder()
        .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
        .append("host: 127.0.0.1:").append(port).append("\r\n")
        .append("connection: close\r\n");
    if (body != null) {
      head.append("content-length: ").append(body.length).append("\r\n");
    }
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    Buffer request = Buffer.buffer(head.toString().getBytes(StandardCharsets.UTF_8));
    if (body != null) {
      request.appendBytes(body);
    }

    Reader reader = new Reader();
    Promise<Response> done = Promise.promise();
    net.connect(port, "127.0.0.1").onComplete(connected -> {
      if (connected.failed()) {
        done.tryFail(connected.cause());
        return;
      }
      NetSocket socket = connected.result();
      reader.stage = "sending";
      socket.handler(data -> {
        Response response;
        try {
          response = reader.accept(data, false);
        } catch (RuntimeException e) {
          done.tryFail(new Incomplete(reader.describe("unreadable reply (" + e + ")")));
          socket.close();
          return;
        }
        if (response != null && done.tryComplete(response)) {
          socket.close();
        }
      });
      // A router answering early (413) may reset the connection while the body is still being sent.
      socket.exceptionHandler(error -> reader.error = error);
      socket.closeHandler(v -> {
        Response response;
        try {
          response = reader.accept(null, true);
        } catch (RuntimeException e) {
          done.tryFail(new Incomplete(reader.describe("unreadable reply (" + e + ")")));
          return;
        }
        if (response != null) {
          done.tryComplete(response);
        } else {
          done.tryFail(new Incomplete(reader.describe("connection closed without a complete reply")));
        }
      });
      socket.write(request).onSuccess(v -> reader.stage = "sent, waiting for the reply");
    });
    try {
      return done.future().await(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new Incomplete(reader.describe("no complete reply within " + timeoutMs + " ms (hang)"));
    }
  }

  /** An HTTP/1.1 reply arriving on a socket. */
  static final class Reader {
    private final Buffer received = Buffer.buffer();
    volatile Throwable error;
    volatile String stage = "connecting";

    synchronized String describe(String what) {
      return what + "; " + stage + "; received " + received.length() + " bytes"
          + (error == null ? "" : " (" + error + ")") + ": " + FuzzTest.printable(received.getBytes(), 4000);
    }

    /** Adds {@code data} (may be null) and returns the reply once complete, else null. */
    synchronized Response accept(Buffer data, boolean closed) {
      if (data != null) {
        received.appendBuffer(data);
      }
      byte[] bytes = received.getBytes();
      int headEnd = indexOf(bytes, "\r\n\r\n", 0);
      if (headEnd < 0) {
        return null;
      }
      String[] lines = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new HashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
            (a, b) -> a + ", " + b);
      }
      int bodyStart = headEnd + 4;
      Buffer wire = Buffer.buffer(bytes);
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        Buffer body = Buffer.buffer();
        int at = bodyStart;
        while (true) {
          int lineEnd = indexOf(bytes, "\r\n", at);
          if (lineEnd < 0) {
            return null;
          }
          int size = Integer.parseInt(
              new String(bytes, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
          if (size == 0) {
            // Trailers until an empty line; complete once it is there.
            int end = indexOf(bytes, "\r\n\r\n", lineEnd);
            if (end < 0 && !closed) {
              return null;
            }
            // "0\r\n" then trailer lines, each ending in CRLF, then CRLF: no trailers when it ends at once.
            String trailers = end < lineEnd + 2 ? "" : new String(bytes, lineEnd + 2, end - lineEnd - 2, StandardCharsets.UTF_8);
            return new Response(status, headers, body, trailers, wire);
          }
          if (lineEnd + 2 + size + 2 > bytes.length) {
            return null;
          }
          body.appendBytes(bytes, lineEnd + 2, size);
          at = lineEnd + 2 + size + 2;
        }
      }
      String length = headers.get("content-length");
      if (length != null) {
        int expected = Integer.parseInt(length);
        return bytes.length - bodyStart >= expected
            ? new Response(status, headers, Buffer.buffer().appendBytes(bytes, bodyStart, expected), "", wire)
            : null;
      }
      return closed
          ? new Response(status, headers, Buffer.buffer().appendBytes(bytes, bodyStart, bytes.length - bodyStart), "", wire)
          : null;
    }

    static int indexOf(byte[] bytes, String pattern, int from) {
      byte[] p = pattern.getBytes(StandardCharsets.US_ASCII);
      outer:
      for (int i = Math.max(0, from); i + p.length <= bytes.length; i++) {
        for (int j = 0; j < p.length; j++) {
          if (bytes[i + j] != p[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }

  /** Starts a request and returns the socket once the reply's head and first body bytes arrived. */
  static Future<NetSocket> openStream(NetClient net, int port, String path, String json, StringBuffer received) {
    return openStream(net, port, path, json, Map.of(), received);
  }

  /** Same, with extra request headers (an {@code authorization}, say). */
  static Future<NetSocket> openStream(NetClient net, int port, String path, String json, Map<String, String> headers,
      StringBuffer received) {
    Promise<NetSocket> firstBytes = Promise.promise();
    return net.connect(port, "127.0.0.1").compose(socket -> {
      socket.handler(data -> {
        received.append(data.toString(StandardCharsets.UTF_8));
        int head = received.indexOf("\r\n\r\n");
        if (head >= 0 && received.length() > head + 4) {
          firstBytes.tryComplete(socket);
        }
      });
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      StringBuilder extra = new StringBuilder();
      headers.forEach((name, value) -> extra.append(name).append(": ").append(value).append("\r\n"));
      socket.write("POST " + path + " HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
          + extra + "content-length: " + body.length + "\r\n\r\n");
      socket.write(Buffer.buffer(body));
      return firstBytes.future();
    });
  }
}
