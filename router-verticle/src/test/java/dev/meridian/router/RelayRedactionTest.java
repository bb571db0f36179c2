package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.ModelKind;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.catalog.Provider;
import dev.meridian.simulator.SimulatedProviders;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 22, finding 1, as a table: a leaky provider puts the key it was sent (whole, spelled with JSON
 * escapes, or a middle piece of it) into every kind of answer, and each relay path of each surface
 * must hand the client none of it. A reply is searched raw and with JSON's escapes decoded, for any 8
 * consecutive characters of the key. Before this table, the 2xx bodies (a provider's 200 JSON error, an
 * SSE answer to a non-streamed request, plain text) went out as they came, and escaped or middle pieces
 * passed the byte matching of 4xx echoes and error events.
 */
class RelayRedactionTest extends RouterTestBase {
  static final String KEY = "sk-leaky-" + SecretLeakTest.random(32);
  static final Pattern MODE = Pattern.compile("leak-[a-z0-9-]+");

  /** One leaky answer: how the provider answers, and whether the relay path relays its content. */
  record Leak(String mode, int status, String contentType, boolean stream, String body) {}

  static String escaped(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      out.append(String.format("\\u%04x", (int) c));
    }
    return out.toString();
  }

  static String chunk(String content) {
    return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
        + content + "\"},\"finish_reason\":null}]}";
  }

  static String completion(String content) {
    return "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        + "\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}";
  }

  /** Every leak, {@code KEY} standing for the key as sent, {@code ESC} for it in \\u escapes, {@code MID} for a middle piece. */
  static List<Leak> leaks() {
    String json = "application/json";
    String sse = "text/event-stream";
    String apiError = "{\"error\":{\"message\":\"Incorrect API key provided: KEY\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";
    return List.of(
        new Leak("leak-json-200", 200, json, false, apiError),
        new Leak("leak-json-200-escaped", 200, json, false, completion("your key is ESC")),
        new Leak("leak-json-200-middle", 200, json, false, completion("piece MID of it")),
        new Leak("leak-text-200", 200, "text/plain", false, "invalid key KEY"),
        new Leak("leak-sse-to-json", 200, sse, false, "data: " + chunk("hi") + "\n\ndata: " + apiError + "\n\ndata: [DONE]\n\n"),
        new Leak("leak-echo-400", 400, json, false, apiError),
        new Leak("leak-echo-400-escaped", 400, json, false, "{\"error\":{\"message\":\"bad key ESC\"}}"),
        new Leak("leak-echo-422-text", 422, "text/plain", false, "unprocessable for MID"),
        new Leak("leak-stream-openai-error", 200, sse, true, "data: " + chunk("hi") + "\n\ndata: " + apiError + "\n\n"),
        new Leak("leak-stream-event-error", 200, sse, true, "data: " + chunk("hi")
            + "\n\nevent: error\ndata: {\"type\":\"authentication_error\",\"message\":\"invalid x-api-key ESC\"}\n\n"),
        new Leak("leak-stream-type-error", 200, sse, true, "data: " + chunk("hi")
            + "\n\ndata: {\"type\":\"server_error\",\"message\":\"retry with MID\"}\n\n"),
        new Leak("leak-stream-plain-text", 200, sse, true, "data: " + chunk("hi") + "\n\ndata: invalid key KEY\n\n"),
        new Leak("leak-stream-content", 200, sse, true, "data: " + chunk("the key is ESC") + "\n\ndata: [DONE]\n\n"));
  }

  /** The surfaces and how each asks; embeddings are never streamed. */
  enum Surface {
    CHAT("/v1/chat/completions"), MESSAGES("/v1/messages"), EMBEDDINGS("/v1/embeddings");

    final String path;

    Surface(String path) {
      this.path = path;
    }

    String request(String model, String mode, boolean stream) {
      return switch (this) {
        case CHAT -> new JsonObject().put("model", model).put("stream", stream)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", mode))).encode();
        case MESSAGES -> new JsonObject().put("model", model).put("stream", stream).put("max_tokens", 64)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", mode))).encode();
        case EMBEDDINGS -> new JsonObject().put("model", model).put("input", mode).encode();
      };
    }
  }

  @Override
  ApiKeys apiKeys() {
    Map<String, String> keys = new HashMap<>();
    for (Provider provider : CatalogLoader.loadDefault().providers()) {
      keys.put(provider.apiKeyEnv(), KEY);
    }
    return ApiKeys.of(keys);
  }

  @Test
  void noRelayPathOfAnySurfaceHandsTheClientAnyPartOfTheKey() throws Exception {
    Map<String, Leak> byMode = new HashMap<>();
    leaks().forEach(leak -> byMode.put(leak.mode(), leak));
    int port = startLeakyRouter(byMode);
    List<String> chatModels = new ArrayList<>();
    String embeddingModel = null;
    for (ModelSpec model : catalog.models()) {
      if (model.kind() == ModelKind.EMBEDDING) {
        embeddingModel = embeddingModel == null ? model.id() : embeddingModel;
      } else {
        chatModels.add(model.id());
      }
    }
    List<String> failures = new ArrayList<>();
    int row = 0;
    for (Surface surface : Surface.values()) {
      for (Leak leak : leaks()) {
        if (surface == Surface.EMBEDDINGS && leak.stream()) {
          continue;
        }
        // One model per row, so no endpoint collects the failures that would open its breaker.
        String model = surface == Surface.EMBEDDINGS ? embeddingModel : chatModels.get(row++ % chatModels.size());
        String name = surface + " / " + leak.mode();
        Reply reply = sendTo(port, surface.path, surface.request(model, leak.mode(), leak.stream()));
        String seen = reply.headers() + "\n" + reply.body().toString();
        String leaked = leakIn(seen);
        if (leaked != null) {
          failures.add(name + ": " + reply.status() + " carries '" + leaked + "': " + seen);
        }
        if (surface == Surface.CHAT && leak.status() == 200 && reply.status() != 200) {
          failures.add(name + ": relayed as " + reply.status() + " instead of 200: " + seen);
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  /** The first 8 characters of the key found in the text, raw or with its JSON escapes decoded; else null. */
  static String leakIn(String text) {
    for (String candidate : List.of(text, unescapeJson(text))) {
      for (int i = 0; i + 8 <= KEY.length(); i++) {
        if (candidate.contains(KEY.substring(i, i + 8))) {
          return KEY.substring(i, i + 8);
        }
      }
    }
    return null;
  }

  static String unescapeJson(String text) {
    Matcher unicode = Pattern.compile("\\\\u([0-9a-fA-F]{4})").matcher(text.replace("\\/", "/"));
    StringBuilder out = new StringBuilder();
    while (unicode.find()) {
      unicode.appendReplacement(out, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(unicode.group(1), 16))));
    }
    return unicode.appendTail(out).toString();
  }

  @Test
  void theTableItselfFindsEveryPlantedForm() {
    assertThat(leakIn("x " + KEY)).isNotNull();
    assertThat(leakIn(escaped(KEY))).isNotNull();
    assertThat(leakIn(KEY.substring(12, 20))).isNotNull();
    assertThat(leakIn(KEY.substring(12, 19) + " [REDACTED]")).isNull();
  }

  Reply sendTo(int port, String path, String body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI(path).putHeader("content-type", "application/json").putHeader("anthropic-version", "2023-06-01");
    return onContext(() -> client.request(options)
        .compose(request -> request.send(Buffer.buffer(body)))
        .compose(response -> response.body().map(b -> toReply(response, b))));
  }

  /**
   * A provider answering as its request's mode says, with the key it was sent, on every path: its chat
   * completions and, for the providers the catalog gives a Messages API, that API (so Messages rows go
   * through the pass-through relay for those models and through translation for the others); a router
   * pointed at it.
   */
  int startLeakyRouter(Map<String, Leak> byMode) throws Exception {
    HttpServer leaky = await(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      // Chat-completions calls carry the key as a bearer token; Messages passed through, as x-api-key.
      String authorization = String.valueOf(request.getHeader("authorization"));
      String key = request.getHeader("x-api-key") != null ? request.getHeader("x-api-key")
          : authorization.startsWith("Bearer ") ? authorization.substring(7) : authorization;
      Matcher mode = MODE.matcher(body.toString());
      Leak leak = mode.find() ? byMode.get(mode.group()) : null;
      HttpServerResponse response = request.response();
      if (leak == null) {
        response.setStatusCode(500).end();
        return;
      }
      String text = leak.body().replace("KEY", key).replace("ESC", escaped(key)).replace("MID", key.substring(10, 26));
      response.setStatusCode(leak.status()).putHeader("content-type", leak.contentType()).end(text);
    })).listen(0, "127.0.0.1"));
    Catalog pointed = SimulatedProviders.pointAt(CatalogLoader.loadDefault(), "127.0.0.1", leaky.actualPort());
    PrometheusMeterRegistry leakyRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RouterVerticle leakyRouter = new RouterVerticle(pointed, new RouterOptions().setRegion(REGION).setPort(0), health,
            POLICY, apiKeys(), () -> true, new RouterMetrics(leakyRegistry, pointed)::onExchange)
        .withMetrics(leakyRegistry);
    await(vertx.deployVerticle(leakyRouter));
    for (Endpoint endpoint : pointed.endpoints()) {
      observe(endpoint.model().id(), endpoint.region(), 100);
    }
    return leakyRouter.actualPort();
  }
}
