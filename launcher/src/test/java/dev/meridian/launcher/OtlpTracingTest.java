package dev.meridian.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's acceptance test: a whole node with {@code --tracing on}, configured only by OTEL_*
 * variables, exports to a real OTLP receiver on loopback (a Vert.x server decoding what arrives with the
 * OpenTelemetry protobuf classes), over HTTP/protobuf and over gRPC. A request that fails over once is
 * a server span continuing the client's traceparent with two attempt spans and their outcomes, the GenAI
 * attributes, and no key or prompt text; probes are their own traces; /metrics in OpenMetrics carries
 * the trace id as an exemplar.
 */
class OtlpTracingTest {
  static final String MODEL = "deepseek-v4-flash";
  static final String PROMPT = "Tell me about the lighthouse keeper of Skerryvore";
  static final String PROVIDER_KEY = "sk-upstream-secret-4f0c1e9a2b7d";
  static final String CLIENT_TRACE = "0af7651916cd43dd8448eb211c80319c";
  static final String CLIENT_SPAN = "b7ad6b7169203331";

  @TempDir Path dir;
  Vertx receiverVertx;
  HttpServer receiver;
  final List<ExportTraceServiceRequest> exports = new CopyOnWriteArrayList<>();
  final List<String> receivedPaths = new CopyOnWriteArrayList<>();
  MeridianNode node;
  Vertx clientVertx;
  HttpClient client;

  @BeforeEach
  void startReceiver() throws Exception {
    receiverVertx = Vertx.vertx();
    // One port for both protocols: HTTP/1.1 POST /v1/traces, and gRPC over cleartext HTTP/2.
    receiver = receiverVertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
            .setHttp2ClearTextEnabled(true))
        .requestHandler(this::receive)
        .listen().await(10, TimeUnit.SECONDS);
    clientVertx = Vertx.vertx();
    client = clientVertx.createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.close().await(30, TimeUnit.SECONDS);
    }
    clientVertx.close().await(10, TimeUnit.SECONDS);
    receiverVertx.close().await(10, TimeUnit.SECONDS);
  }

  private void receive(HttpServerRequest request) {
    receivedPaths.add(request.path());
    request.body().onSuccess(body -> {
      try {
        if (request.version() == HttpVersion.HTTP_2 && "application/grpc".equals(request.getHeader("content-type"))) {
          // gRPC framing: a compressed flag, a 4-byte length, the message.
          int length = body.getInt(1);
          exports.add(ExportTraceServiceRequest.parseFrom(body.getBytes(5, 5 + length)));
          byte[] reply = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
          Buffer frame = Buffer.buffer().appendByte((byte) 0).appendInt(reply.length).appendBytes(reply);
          request.response().putHeader("content-type", "application/grpc").putTrailer("grpc-status", "0").end(frame);
        } else {
          exports.add(ExportTraceServiceRequest.parseFrom(body.getBytes()));
          request.response().putHeader("content-type", "application/x-protobuf")
              .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
        }
      } catch (Exception e) {
        request.response().setStatusCode(400).end();
      }
    });
  }

  private MeridianNode startNode(String protocol) throws Exception {
    Map<String, String> env = Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + receiver.actualPort(),
        "OTEL_EXPORTER_OTLP_PROTOCOL", protocol,
        "OTEL_BSP_SCHEDULE_DELAY", "50",
        "OTEL_SERVICE_NAME", "meridian-test",
        "DEEPSEEK_API_KEY", PROVIDER_KEY);
    List<String> args = List.of("embedded", "--standalone", "--port", "0", "--simulator-port", "0",
        "--catalog", NodeTestSupport.catalogOf(dir, Set.of(MODEL)).toString(), "--latency-scale", "0.05",
        "--router-instances", "1", "--tracing", "on", "--trace-probe-sample", "1",
        "--probe-interval-ms", "600000");
    node = NodeTestSupport.start(args, env);
    NodeTestSupport.awaitCondition(Duration.ofSeconds(30), node::isReady);
    return node;
  }

  private NodeTestSupport.Reply ask(String traceparent) throws Exception {
    JsonObject body = new JsonObject().put("model", MODEL)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", PROMPT)));
    return NodeTestSupport.onContext(client, () -> client
            .request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(node.routerPort())
                .setURI("/v1/chat/completions").putHeader("content-type", "application/json")
                .putHeader("authorization", NodeTestSupport.DEMO_AUTH).putHeader("traceparent", traceparent))
            .compose(request -> request.send(body.toBuffer()))
            .compose(response -> response.body().map(b -> {
              Map<String, String> headers = new java.util.HashMap<>();
              response.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
              return new NodeTestSupport.Reply(response.statusCode(), headers, b);
            })))
        .await(20, TimeUnit.SECONDS);
  }

  private String get(int port, String path, String accept) throws Exception {
    return NodeTestSupport.onContext(client, () -> client
            .request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(path)
                .putHeader("accept", accept).putHeader("authorization", NodeTestSupport.DEMO_AUTH))
            .compose(request -> request.send())
            .compose(response -> response.body()))
        .await(20, TimeUnit.SECONDS).toString();
  }

  private List<Span> spans() {
    List<Span> all = new ArrayList<>();
    for (ExportTraceServiceRequest export : exports) {
      for (ResourceSpans resource : export.getResourceSpansList()) {
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          all.addAll(scope.getSpansList());
        }
      }
    }
    return all;
  }

  private List<Span> spansOf(String traceId) {
    return spans().stream().filter(s -> hex(s.getTraceId()).equals(traceId)).toList();
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  private static AnyValue attr(Span span, String key) {
    for (KeyValue kv : span.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue();
      }
    }
    return null;
  }

  private static String text(Span span, String key) {
    AnyValue value = attr(span, key);
    return value == null ? null : value.getStringValue();
  }

  private static long number(Span span, String key) {
    AnyValue value = attr(span, key);
    return value == null ? -1 : value.getIntValue();
  }

  @Test
  void aRequestThatFailsOverOnceArrivesOverOtlpHttpAsAServerSpanWithTwoAttempts() throws Exception {
    startNode("http/protobuf");
    // Probes are traced on their own (--trace-probe-sample 1): a root span per endpoint, no parent.
    NodeTestSupport.awaitCondition(Duration.ofSeconds(10),
        () -> spans().stream().anyMatch(s -> s.getName().equals("probe " + MODEL)));
    Span probe = spans().stream().filter(s -> s.getName().equals("probe " + MODEL)).findFirst().orElseThrow();
    assertThat(probe.getParentSpanId().isEmpty()).isTrue();
    assertThat(attr(probe, "meridian.probe").getBoolValue()).isTrue();
    assertThat(text(probe, "meridian.probe.outcome")).isEqualTo("ok");

    // Where the route goes first; then that endpoint fails, so the request fails over once.
    NodeTestSupport.Reply first = ask("00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-01");
    assertThat(first.status()).isEqualTo(200);
    String firstRegion = first.header("x-meridian-region");
    NodeTestSupport.admin(client, node.simulatorPort(), HttpMethod.PUT, "/admin/faults/" + MODEL + "/" + firstRegion,
        new JsonObject().put("errorRate", 1.0).put("errorStatus", 503)).await(10, TimeUnit.SECONDS);

    NodeTestSupport.Reply reply = ask("00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("x-meridian-attempts")).isEqualTo("2");
    assertThat(reply.header("x-meridian-trace-id")).isEqualTo(CLIENT_TRACE);
    NodeTestSupport.awaitCondition(Duration.ofSeconds(10), () -> spansOf(CLIENT_TRACE).size() >= 3);
    List<Span> trace = spansOf(CLIENT_TRACE);
    assertThat(trace).hasSize(3);
    assertThat(receivedPaths).contains("/v1/traces");
    assertThat(exports.get(0).getResourceSpans(0).getResource().getAttributesList())
        .anySatisfy(kv -> {
          assertThat(kv.getKey()).isEqualTo("service.name");
          assertThat(kv.getValue().getStringValue()).isEqualTo("meridian-test");
        });

    Span server = trace.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER).findFirst().orElseThrow();
    assertThat(hex(server.getParentSpanId())).isEqualTo(CLIENT_SPAN);
    assertThat(server.getName()).isEqualTo("POST /v1/chat/completions");
    assertThat(text(server, "gen_ai.operation.name")).isEqualTo("chat");
    assertThat(text(server, "gen_ai.request.model")).isEqualTo(MODEL);
    assertThat(text(server, "gen_ai.response.model")).isEqualTo(MODEL);
    assertThat(text(server, "gen_ai.provider.name")).isEqualTo("deepseek");
    assertThat(number(server, "gen_ai.usage.input_tokens")).isPositive();
    assertThat(number(server, "gen_ai.usage.output_tokens")).isPositive();
    assertThat(attr(server, "meridian.ttft_ms").getDoubleValue()).isPositive();
    assertThat(attr(server, "meridian.cost_usd").getDoubleValue()).isPositive();
    assertThat(text(server, "meridian.region")).isEqualTo("us-east");
    assertThat(text(server, "meridian.endpoint.region")).isEqualTo(reply.header("x-meridian-region"));
    assertThat(text(server, "meridian.route.reason")).isEqualTo(reply.header("x-meridian-route-reason"));

    List<Span> attempts = trace.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
        .sorted(java.util.Comparator.comparingLong(Span::getStartTimeUnixNano)).toList();
    assertThat(attempts).hasSize(2);
    Span failed = attempts.get(0);
    Span served = attempts.get(1);
    assertThat(failed.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(served.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(text(failed, "meridian.endpoint.region")).isEqualTo(firstRegion);
    assertThat(text(failed, "meridian.attempt.outcome")).isEqualTo("http_5xx");
    assertThat(number(failed, "http.response.status_code")).isEqualTo(503);
    assertThat(failed.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(text(served, "meridian.attempt.outcome")).isEqualTo("ok");
    assertThat(text(served, "meridian.endpoint.region")).isEqualTo(reply.header("x-meridian-region"));
    assertThat(number(served, "gen_ai.usage.output_tokens")).isEqualTo(number(server, "gen_ai.usage.output_tokens"));
    assertThat(text(served, "gen_ai.request.model")).isNotBlank();

    // What left the router holds neither the provider's key nor the client's key or prompt.
    String everything = exports.toString();
    assertThat(everything).doesNotContain(PROVIDER_KEY).doesNotContain("lighthouse")
        .doesNotContain(ClientAccess.DEMO_KEY);

    // The latency histograms' exemplars carry the trace id, in OpenMetrics only.
    String openMetrics = get(node.routerPort(), "/metrics", "application/openmetrics-text; version=1.0.0");
    assertThat(openMetrics).contains("# EOF");
    assertThat(openMetrics.lines().filter(l -> l.startsWith("meridian_request_duration_seconds_bucket")
        && l.contains("trace_id=\"" + CLIENT_TRACE + "\""))).isNotEmpty();
    assertThat(openMetrics.lines().filter(l -> l.startsWith("meridian_ttft_seconds_bucket")
        && l.contains("trace_id=\"" + CLIENT_TRACE + "\""))).isNotEmpty();
    String text = get(node.routerPort(), "/metrics", "text/plain");
    assertThat(text).contains("meridian_request_duration_seconds_bucket").doesNotContain("trace_id=");
  }

  @Test
  void spansArriveOverOtlpGrpc() throws Exception {
    startNode("grpc");
    NodeTestSupport.Reply reply = ask("00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01");
    assertThat(reply.status()).isEqualTo(200);
    NodeTestSupport.awaitCondition(Duration.ofSeconds(10), () -> spansOf(CLIENT_TRACE).size() >= 2);
    assertThat(receivedPaths).contains("/opentelemetry.proto.collector.trace.v1.TraceService/Export");
    Span server = spansOf(CLIENT_TRACE).stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
        .findFirst().orElseThrow();
    assertThat(hex(server.getParentSpanId())).isEqualTo(CLIENT_SPAN);
    assertThat(text(server, "gen_ai.operation.name")).isEqualTo("chat");
  }
}
