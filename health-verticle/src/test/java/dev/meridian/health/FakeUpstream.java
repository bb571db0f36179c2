package dev.meridian.health;

import dev.meridian.core.catalog.Catalog;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable OpenAI-compatible upstream for prober tests: {@code POST /{region}/{provider}/v1/chat/
 * completions}, behaving per {@code model@region} as told. Listens on a random port.
 */
final class FakeUpstream {
  enum Mode {
    /** Role chunk at once, then content tokens after the TTFT, usage and [DONE]. */
    OK,
    /** Like OK but every token is reasoning_content. */
    REASONING_ONLY,
    /** The given status with a JSON error body that echoes the Authorization header (as some do). */
    STATUS,
    /** 200 and a role chunk, then nothing, forever. */
    STALL,
    /** A complete 200 stream with no token in it. */
    NO_TOKENS,
    /** One token, then the connection is closed mid-stream. */
    BREAK,
    /** The connection is closed before any response. */
    CLOSE,
    /** 200, a role chunk, then an error event whose type quotes the key it was sent (as a careless provider might). */
    ERROR_EVENT
  }

  record Behaviour(Mode mode, long ttftMs, long interTokenMs, int status) {
    static Behaviour ok(long ttftMs, long interTokenMs) {
      return new Behaviour(Mode.OK, ttftMs, interTokenMs, 200);
    }

    static Behaviour of(Mode mode) {
      return new Behaviour(mode, 10, 2, 200);
    }

    static Behaviour status(int status) {
      return new Behaviour(Mode.STATUS, 0, 0, status);
    }
  }

  record Recorded(String endpoint, MultiMap headers, JsonObject body) {}

  private final Vertx vertx;
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final Map<String, String> catalogIds = new ConcurrentHashMap<>();
  private volatile Behaviour fallback = Behaviour.ok(10, 2);
  private HttpServer server;

  private FakeUpstream(Vertx vertx) {
    this.vertx = vertx;
  }

  static Future<FakeUpstream> start(Vertx vertx) {
    FakeUpstream upstream = new FakeUpstream(vertx);
    return vertx
        .createHttpServer()
        .connectionHandler(c -> upstream.connections.incrementAndGet())
        .requestHandler(upstream::handle)
        .listen(0, "127.0.0.1")
        .map(server -> {
          upstream.server = server;
          return upstream;
        });
  }

  int port() {
    return server.actualPort();
  }

  /** The catalog rebased onto this server; requests are then recorded under catalog model ids. */
  Catalog pointAt(Catalog catalog) {
    catalog.models().forEach(m -> catalogIds.put(m.upstreamId(), m.id()));
    return catalog.withBaseUrls(
        (provider, region) -> "http://127.0.0.1:" + port() + "/" + region + "/" + provider.id() + "/v1");
  }

  FakeUpstream behave(String endpoint, Behaviour behaviour) {
    behaviours.put(endpoint, behaviour);
    return this;
  }

  FakeUpstream heal(String endpoint) {
    behaviours.remove(endpoint);
    return this;
  }

  FakeUpstream fallback(Behaviour behaviour) {
    fallback = behaviour;
    return this;
  }

  List<Recorded> requests() {
    return requests;
  }

  long requestsTo(String endpoint) {
    return requests.stream().filter(r -> r.endpoint().equals(endpoint)).count();
  }

  int connections() {
    return connections.get();
  }

  Future<Void> close() {
    return server.close();
  }

  private void handle(HttpServerRequest request) {
    String[] path = request.path().split("/");
    String region = path.length > 1 ? path[1] : "?";
    request.body().onSuccess(buffer -> {
      JsonObject body = buffer.toJsonObject();
      String model = body.getString("model");
      String endpoint = catalogIds.getOrDefault(model, model) + "@" + region;
      requests.add(new Recorded(endpoint, MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body));
      respond(request, body, behaviours.getOrDefault(endpoint, fallback));
    });
  }

  private void respond(HttpServerRequest request, JsonObject body, Behaviour behaviour) {
    HttpServerResponse response = request.response();
    switch (behaviour.mode()) {
      case CLOSE -> request.connection().close();
      case STATUS -> {
        String auth = String.valueOf(request.getHeader("Authorization"));
        response
            .setStatusCode(behaviour.status())
            .putHeader("content-type", "application/json")
            .end(new JsonObject().put("error", new JsonObject().put("message", "rejected " + auth)).encode());
      }
      default -> stream(request, response, body, behaviour);
    }
  }

  private void stream(
      HttpServerRequest request, HttpServerResponse response, JsonObject body, Behaviour behaviour) {
    response.setChunked(true).putHeader("content-type", "text/event-stream");
    event(response, chunk(new JsonObject().put("role", "assistant").put("content", ""), null));
    if (behaviour.mode() == Mode.STALL) {
      return;
    }
    if (behaviour.mode() == Mode.ERROR_EVENT) {
      String key = String.valueOf(request.getHeader("Authorization")).replace("Bearer ", "");
      event(response, new JsonObject().put("error", new JsonObject().put("type", "bad_key_" + key)));
      response.end("data: [DONE]\n\n");
      return;
    }
    if (behaviour.mode() == Mode.NO_TOKENS) {
      event(response, chunk(new JsonObject(), "stop"));
      finish(response, 0);
      return;
    }
    int tokens = behaviour.mode() == Mode.BREAK ? 1 : body.getInteger("max_tokens", 16);
    String field = behaviour.mode() == Mode.REASONING_ONLY ? "reasoning_content" : "content";
    vertx.setTimer(Math.max(1, behaviour.ttftMs()), t -> token(request, response, behaviour, field, 0, tokens));
  }

  private void token(
      HttpServerRequest request, HttpServerResponse response, Behaviour behaviour, String field, int i, int n) {
    if (response.closed()) {
      return;
    }
    event(response, chunk(new JsonObject().put(field, "t" + i), null));
    if (i + 1 < n) {
      vertx.setTimer(
          Math.max(1, behaviour.interTokenMs()), t -> token(request, response, behaviour, field, i + 1, n));
    } else if (behaviour.mode() == Mode.BREAK) {
      request.connection().close();
    } else {
      event(response, chunk(new JsonObject(), "length"));
      finish(response, n);
    }
  }

  private static void finish(HttpServerResponse response, int completionTokens) {
    event(
        response,
        new JsonObject()
            .put("choices", new JsonArray())
            .put("usage", new JsonObject().put("prompt_tokens", 11).put("completion_tokens", completionTokens)));
    response.end("data: [DONE]\n\n");
  }

  private static JsonObject chunk(JsonObject delta, String finishReason) {
    JsonObject choice = new JsonObject().put("index", 0).put("delta", delta);
    if (finishReason != null) {
      choice.put("finish_reason", finishReason);
    }
    return new JsonObject().put("object", "chat.completion.chunk").put("choices", new JsonArray().add(choice));
  }

  private static void event(HttpServerResponse response, JsonObject json) {
    response.write("data: " + json.encode() + "\n\n");
  }
}
