package dev.meridian.router.surface;

import dev.meridian.core.catalog.ModelKind;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.Usage;
import dev.meridian.core.routing.RequestProfile;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * One client API surface (chat completions, Responses, Messages ...) as an adapter on the one request
 * pipeline (authenticate, read, parse, admit, select, failover, relay, account). A surface parses its
 * wire request into the chat-completions request the pipeline routes on and sends upstream, and renders
 * the upstream's chat-completions answer in its own wire format; it decides nothing about routing.
 */
public interface Surface {
  /** The exact request path it serves, e.g. {@code /v1/chat/completions}. */
  String path();

  /**
   * The {@code api} label of this surface's request series: its path without {@code /v1/}, with
   * {@code _} for {@code /} ({@code chat_completions}, {@code messages_count_tokens}); a bounded set.
   */
  default String api() {
    String path = path();
    return (path.startsWith("/v1/") ? path.substring(4) : path).replace('/', '_');
  }

  /**
   * The OpenTelemetry GenAI operation its requests perform ({@code gen_ai.operation.name}): {@code chat}
   * unless the surface says otherwise.
   */
  default String genAiOperation() {
    return "chat";
  }

  /**
   * The request the pipeline routes on, from the client's body (read whole).
   *
   * @throws dev.meridian.core.openai.OpenAiException 400 for what the surface cannot accept
   */
  Parsed parse(Buffer body, HttpServerRequest http);

  /**
   * A parsed request: the chat-completions request to route and send, and the client's own request
   * when the surface needs it again to render the answer (null for chat completions).
   */
  record Parsed(ChatRequest chat, io.vertx.core.json.JsonObject wire) {}

  /**
   * The kind of model this surface's requests name; it decides the provider API called. A request naming
   * a model of another kind is refused with a 400 before routing.
   */
  default ModelKind modelKind() {
    return ModelKind.CHAT;
  }

  /** What routing and the key's limits read of the request (size, images, tools, text for auto). */
  default RequestProfile profile(Parsed parsed) {
    return RequestProfile.of(parsed.chat());
  }

  /** How this surface writes an error response (a refusal before any answer). */
  Buffer errorBody(OpenAiError error);

  /**
   * The renderer of one exchange's answer.
   *
   * @param chat the request as routed (the key's rules applied)
   */
  Answer answer(Parsed parsed, ChatRequest chat, String requestId);

  /** Renders one exchange's upstream answer; one per request, used on its event loop. */
  interface Answer {
    /** The client's body for the upstream's non-streamed 2xx answer (chat-completions JSON). */
    Buffer body(Buffer upstreamBody);

    /** The content type of what {@link #body} returns, given the upstream's. */
    String contentType(String upstreamContentType);

    /** A fresh relay for a streamed answer. */
    StreamRelay stream();

    /** The client's body for an upstream 4xx relayed to it (already redacted; may be empty). */
    Buffer clientError(int status, String upstreamBody);

    /** The event that ends a committed stream which failed. */
    Buffer streamError(OpenAiError error);

    /**
     * The usage a non-streamed 2xx answer reports, or null to have the pipeline read an OpenAI
     * {@code usage} block (or estimate).
     */
    default Usage usage(Buffer upstreamBody) {
      return null;
    }

    /**
     * How this request goes to {@code endpoint} when the endpoint offers the surface's own API (a
     * Messages request to a provider's Anthropic-compatible endpoint): sent unchanged but for the model
     * name and the key's caps, and answered by the call's own renderer. Null, the default, for the
     * chat-completions call the pipeline builds. Decided per attempt: one fallback may pass through,
     * the next translate.
     */
    default NativeCall nativeCall(dev.meridian.core.catalog.Endpoint endpoint) {
      return null;
    }
  }

  /**
   * A request sent in the client's own API.
   *
   * @param url the endpoint's URL of that API
   * @param body what is sent
   * @param keyHeader the header that carries the provider's key ({@code x-api-key}), sent bare
   * @param headers further headers the API requires (e.g. {@code anthropic-version})
   * @param answer the renderer of the provider's answer; its stream errors keep the surface's shape
   */
  record NativeCall(String url, Buffer body, String keyHeader, java.util.Map<String, String> headers, Answer answer) {}

  /** Turns an upstream chat-completions event stream into the client's, chunk by chunk. */
  interface StreamRelay {
    /** The bytes to write to the client now (possibly empty). */
    Buffer accept(Buffer chunk);

    /** The bytes to write when the upstream stream has ended. */
    Buffer end();

    /** The usage the upstream reported, or an estimate from what was streamed. */
    Usage usage(long promptTokensEstimate);

    /**
     * Whether the upstream's stream carried an error event (relayed to the client in the surface's
     * shape): the exchange then counts as a broken stream, for metrics and the endpoint's breaker,
     * even when the provider closed the stream cleanly afterwards.
     */
    default boolean upstreamFailed() {
      return false;
    }
  }
}
