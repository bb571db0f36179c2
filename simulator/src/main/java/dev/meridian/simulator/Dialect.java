package dev.meridian.simulator;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;

/**
 * How one simulated provider writes its answers: the JSON style, the SSE framing, the extra fields, the
 * shape of usage and of a mid-stream error, and when usage is sent. Each is modelled on a real
 * provider's bytes, so the router is tested against more than one way of saying the same thing.
 *
 * <ul>
 *   <li>{@code compact}: compact JSON, LF, usage in its own empty-choices event only when asked.
 *   <li>{@code openai}: as OpenAI: {@code service_tier}, {@code system_fingerprint} and {@code obfuscation}
 *       padding on every chunk, {@code "usage": null} on each chunk when usage is asked for, usage with
 *       {@code prompt_tokens_details.cached_tokens} and {@code completion_tokens_details.reasoning_tokens}.
 *   <li>{@code deepseek}: usage with {@code prompt_cache_hit_tokens}/{@code prompt_cache_miss_tokens}
 *       (and no {@code prompt_tokens_details}); reasoning models stream {@code reasoning_content}.
 *   <li>{@code pretty}: Python {@code json.dumps} spacing ({@code "choices": []}), the usage event sent
 *       always, asked or not; errors in vLLM's shape ({@code {"object": "error", ...}}).
 *   <li>{@code final-chunk-usage}: usage rides on the last finish chunk (choices not empty), when asked.
 *   <li>{@code no-stream-usage}: compact, but streams never report usage, asked or not (as providers that
 *       ignore {@code stream_options}); whole answers still do. Not in the realistic preset.
 *   <li>{@code crlf-events}: CRLF line ends, {@code id:} and {@code event: message} lines, {@code :
 *       keep-alive} comments; an error is {@code event: error} with a body that is not OpenAI's shape.
 * </ul>
 *
 * Reasoning models stream {@code reasoning_content} in every dialect.
 */
public enum Dialect {
  COMPACT("compact"),
  OPENAI("openai"),
  DEEPSEEK("deepseek"),
  PRETTY("pretty"),
  FINAL_CHUNK_USAGE("final-chunk-usage"),
  CRLF_EVENTS("crlf-events"),
  NO_STREAM_USAGE("no-stream-usage");

  /** A keep-alive comment every this many rounds (the first before the first chunk). */
  static final int KEEP_ALIVE_EVERY = 8;

  private final String wireName;

  Dialect(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in configuration ({@code --simulator-dialects stepfun=pretty}). */
  public String wireName() {
    return wireName;
  }

  public static Dialect of(String name) {
    for (Dialect dialect : values()) {
      if (dialect.wireName.equals(name.trim().toLowerCase(Locale.ROOT))) {
        return dialect;
      }
    }
    throw new IllegalArgumentException("unknown dialect '" + name + "'; expected one of "
        + java.util.Arrays.stream(values()).map(Dialect::wireName).toList());
  }

  /** The fields every completion and chunk starts with. */
  JsonObject head(CompletionPlan plan, String object) {
    JsonObject head = new JsonObject().put("id", plan.id()).put("object", object)
        .put("created", plan.created()).put("model", plan.model());
    if (this == OPENAI) {
      head.put("service_tier", "default")
          .put("system_fingerprint", "fp_" + Integer.toHexString(plan.model().hashCode() | 0x1000_0000));
    }
    return head;
  }

  /** A chunk carrying one choice; {@code seq} numbers the stream's events. */
  JsonObject chunk(CompletionPlan plan, JsonObject choice, int seq) {
    JsonObject chunk = head(plan, "chat.completion.chunk").put("choices", new JsonArray().add(choice));
    if (this == OPENAI) {
      if (plan.includeUsage()) {
        chunk.put("usage", null);
      }
      chunk.put("obfuscation", obfuscation(seq));
    }
    return chunk;
  }

  /** The event {@code include_usage} asks for: no choices, the usage. */
  JsonObject usageChunk(CompletionPlan plan, int seq) {
    JsonObject chunk = head(plan, "chat.completion.chunk").put("choices", new JsonArray()).put("usage", usage(plan));
    if (this == OPENAI) {
      chunk.put("obfuscation", obfuscation(seq));
    }
    return chunk;
  }

  /** Whether this stream reports usage: when asked, or always for a dialect that always does. */
  boolean sendsUsage(CompletionPlan plan) {
    return this == PRETTY || plan.includeUsage() && this != NO_STREAM_USAGE;
  }

  /** Usage rides on the last finish chunk instead of an event of its own. */
  boolean usageOnFinalChunk() {
    return this == FINAL_CHUNK_USAGE;
  }

  JsonObject usage(CompletionPlan plan) {
    int prompt = plan.promptTokens();
    int completion = plan.completionTokens();
    int reasoning = plan.reasoningTokens();
    JsonObject usage = new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion)
        .put("total_tokens", prompt + completion);
    if (this == OPENAI) {
      return usage
          .put("prompt_tokens_details", new JsonObject().put("cached_tokens", plan.cachedPromptTokens())
              .put("audio_tokens", 0))
          .put("completion_tokens_details", new JsonObject().put("reasoning_tokens", reasoning)
              .put("audio_tokens", 0).put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0));
    }
    if (reasoning > 0) {
      usage.put("completion_tokens_details", new JsonObject().put("reasoning_tokens", reasoning));
    }
    if (this == DEEPSEEK) {
      usage.put("prompt_cache_hit_tokens", plan.cachedPromptTokens())
          .put("prompt_cache_miss_tokens", prompt - plan.cachedPromptTokens());
    } else if (plan.cachedPromptTokens() > 0) {
      // Qwen, GLM and the other OpenAI-compatible APIs report a cache hit as OpenAI does, when there is one.
      usage.put("prompt_tokens_details", new JsonObject().put("cached_tokens", plan.cachedPromptTokens()));
    }
    return usage;
  }

  /** JSON as this provider writes it. */
  String encode(JsonObject json) {
    if (this != PRETTY) {
      return json.encode();
    }
    StringBuilder out = new StringBuilder(256);
    python(json, out);
    return out.toString();
  }

  /** One data event, framed. */
  String event(JsonObject data, int seq) {
    if (this == CRLF_EVENTS) {
      return "id: " + seq + "\r\nevent: message\r\ndata: " + encode(data) + "\r\n\r\n";
    }
    return "data: " + encode(data) + "\n\n";
  }

  /** What precedes round {@code round}'s chunks: a keep-alive comment now and then, or nothing. */
  String beforeRound(int round) {
    return this == CRLF_EVENTS && round % KEEP_ALIVE_EVERY == 0 ? ": keep-alive\r\n\r\n" : "";
  }

  String done() {
    return this == CRLF_EVENTS ? "data: [DONE]\r\n\r\n" : "data: [DONE]\n\n";
  }

  /** An error reported inside a stream that has begun: the provider's own shape. */
  String errorEvent(String message, int seq) {
    switch (this) {
      case PRETTY:
        return "data: " + encode(new JsonObject().put("object", "error").put("message", message)
            .put("type", "InternalServerError").put("param", null).put("code", 500)) + "\n\n";
      case CRLF_EVENTS:
        return "id: " + seq + "\r\nevent: error\r\ndata: "
            + new JsonObject().put("message", message).put("code", "overloaded").encode() + "\r\n\r\n";
      default:
        return "data: " + new JsonObject().put("error", new JsonObject().put("message", message)
            .put("type", "server_error").put("param", null).put("code", "simulated_stream_error")).encode()
            + "\n\n";
    }
  }

  /** OpenAI pads chunks with a random-looking string so their sizes do not reveal the tokens. */
  private static String obfuscation(int seq) {
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    int length = 2 + Math.floorMod(seq * 7919, 12);
    StringBuilder pad = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      pad.append(alphabet.charAt(Math.floorMod(seq * 31 + i * 17, alphabet.length())));
    }
    return pad.toString();
  }

  /** Python's {@code json.dumps} defaults: ", " and ": " separators, non-ASCII escaped. */
  private static void python(Object value, StringBuilder out) {
    if (value instanceof JsonObject object) {
      value = object.getMap();
    } else if (value instanceof JsonArray array) {
      value = array.getList();
    }
    if (value instanceof Map<?, ?> map) {
      out.append('{');
      String separator = "";
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.append(separator);
        python(String.valueOf(entry.getKey()), out);
        out.append(": ");
        python(entry.getValue(), out);
        separator = ", ";
      }
      out.append('}');
    } else if (value instanceof java.util.List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : ", ");
        python(list.get(i), out);
      }
      out.append(']');
    } else if (value instanceof String text) {
      String encoded = Json.encode(text);
      for (int i = 0; i < encoded.length(); i++) {
        char c = encoded.charAt(i);
        if (c < 0x80) {
          out.append(c);
        } else {
          out.append(String.format("\\u%04x", (int) c));
        }
      }
    } else {
      out.append(Json.encode(value));
    }
  }
}
