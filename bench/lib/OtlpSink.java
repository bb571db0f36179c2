import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace sink for bench/tracing.sh: answers POST /v1/traces (or /LABEL/v1/traces, so one
 * sink tells several exporters apart by the path of their OTEL_EXPORTER_OTLP_ENDPOINT) with 200,
 * content-type application/x-protobuf and an empty body (an empty ExportTraceServiceResponse: all
 * accepted), and counts per label the export requests, the bytes received and the spans in them (the
 * protobuf is walked, not decoded: resource_spans = 1, scope_spans = 2, spans = 2). GET /stats prints
 * the counts as JSON, {"P1":{"requests":N,"bytes":N,"spans":N,"malformed":N},...}; plain /v1/traces
 * counts under "-". Listens on 127.0.0.1 only. Run with the Meridian jar (it has Vert.x) on the class path:
 *
 *   java -cp bench/.work/tracing-head.jar bench/lib/OtlpSink.java PORT
 */
public class OtlpSink {
  static final class Counts {
    final LongAdder requests = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder spans = new LongAdder();
    final LongAdder malformed = new LongAdder();
  }

  static final Map<String, Counts> COUNTS = new ConcurrentHashMap<>();

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(req -> {
          String path = req.path();
          if (req.method() == HttpMethod.GET && "/stats".equals(path)) {
            req.response().putHeader("content-type", "application/json").end(stats());
            return;
          }
          if (req.method() != HttpMethod.POST || !path.endsWith("/v1/traces")) {
            req.response().setStatusCode(404).end();
            return;
          }
          String prefix = path.substring(0, path.length() - "/v1/traces".length());
          String label = prefix.isEmpty() ? "-" : prefix.substring(prefix.lastIndexOf('/') + 1);
          String encoding = req.getHeader("content-encoding");
          req.body().onSuccess(body -> {
            Counts c = COUNTS.computeIfAbsent(label, k -> new Counts());
            c.requests.increment();
            c.bytes.add(body.length());
            try {
              byte[] bytes = body.getBytes();
              if ("gzip".equalsIgnoreCase(encoding)) {
                bytes = new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes();
              }
              c.spans.add(countSpans(bytes));
            } catch (IOException | RuntimeException e) {
              c.malformed.increment();
            }
            req.response().putHeader("content-type", "application/x-protobuf").end(Buffer.buffer());
          }).onFailure(e -> req.response().setStatusCode(500).end());
        })
        .listen()
        .onSuccess(server -> System.out.println("OtlpSink listening on 127.0.0.1:" + server.actualPort()))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }

  static String stats() {
    StringBuilder sb = new StringBuilder("{");
    new TreeMap<>(COUNTS).forEach((label, c) -> {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append('"').append(label).append("\":{\"requests\":").append(c.requests.sum())
          .append(",\"bytes\":").append(c.bytes.sum()).append(",\"spans\":").append(c.spans.sum())
          .append(",\"malformed\":").append(c.malformed.sum()).append('}');
    });
    return sb.append("}\n").toString();
  }

  /** The spans in an ExportTraceServiceRequest. */
  static long countSpans(byte[] b) {
    long n = 0;
    for (int[] resourceSpans : fields(b, 0, b.length, 1)) {
      for (int[] scopeSpans : fields(b, resourceSpans[0], resourceSpans[1], 2)) {
        n += fields(b, scopeSpans[0], scopeSpans[1], 2).size();
      }
    }
    return n;
  }

  /** The [start, end) ranges of the length-delimited fields numbered {@code field} in b[from, to). */
  static List<int[]> fields(byte[] b, int from, int to, int field) {
    List<int[]> out = new ArrayList<>();
    int[] pos = {from};
    while (pos[0] < to) {
      long key = varint(b, pos);
      int wire = (int) (key & 7);
      switch (wire) {
        case 0 -> varint(b, pos);
        case 1 -> pos[0] += 8;
        case 5 -> pos[0] += 4;
        case 2 -> {
          long len = varint(b, pos);
          if (len < 0 || pos[0] + len > to) {
            throw new IllegalArgumentException("truncated field");
          }
          if (key >>> 3 == field) {
            out.add(new int[] {pos[0], pos[0] + (int) len});
          }
          pos[0] += (int) len;
        }
        default -> throw new IllegalArgumentException("wire type " + wire);
      }
    }
    if (pos[0] != to) {
      throw new IllegalArgumentException("overrun");
    }
    return out;
  }

  static long varint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= b.length) {
        throw new IllegalArgumentException("truncated varint");
      }
      byte x = b[pos[0]++];
      v |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("varint too long");
  }
}
