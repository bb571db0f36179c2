package dev.meridian.router.surface.embeddings;

import dev.meridian.core.catalog.ModelKind;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.EmbeddingsRequest;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.Usage;
import dev.meridian.core.routing.RequestProfile;
import dev.meridian.router.surface.Surface;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * {@code POST /v1/embeddings}: the providers speak it, so the request passes through with the provider's
 * model name and the answer comes back as the provider sent it. Routed like chat (lowest-latency healthy
 * region, breakers, retries, keys, budgets), but only across the regions of the one model named: vectors
 * of two embedding models are not comparable, so no tier, auto or cross-model fallback applies.
 */
public final class EmbeddingsSurface implements Surface {
  public static final String PATH = "/v1/embeddings";
  private static final Buffer EMPTY = Buffer.buffer();

  @Override
  public String genAiOperation() {
    return "embeddings";
  }

  @Override
  public String path() {
    return PATH;
  }

  @Override
  public ModelKind modelKind() {
    return ModelKind.EMBEDDING;
  }

  @Override
  public Parsed parse(Buffer body, HttpServerRequest http) {
    EmbeddingsRequest request = EmbeddingsRequest.parse(body.toString());
    // The pipeline routes and sends a ChatRequest: never streamed, no output budget, the body untouched.
    ChatRequest routed = new ChatRequest(request.model(), false, false, null, request.body());
    JsonObject size = new JsonObject().put("inputs", request.inputs()).put("tokens", request.estimatedTokens());
    return new Parsed(routed, size);
  }

  @Override
  public RequestProfile profile(Parsed parsed) {
    long tokens = parsed.wire().getLong("tokens");
    return new RequestProfile(0, tokens, false, false, false, null, "");
  }

  @Override
  public Buffer errorBody(OpenAiError error) {
    return error.toJson().toBuffer();
  }

  @Override
  public Answer answer(Parsed parsed, ChatRequest chat, String requestId) {
    return PASS_THROUGH;
  }

  /** Stateless: the provider's JSON as it came, its 4xx echoes (redacted by the pipeline) likewise. */
  private static final Answer PASS_THROUGH = new Answer() {
    @Override
    public Buffer body(Buffer upstreamBody) {
      return upstreamBody;
    }

    @Override
    public String contentType(String upstreamContentType) {
      return "application/json";
    }

    @Override
    public StreamRelay stream() {
      // Never asked for: the request is routed with stream=false, and a provider that streams anyway
      // is relayed whole by the pipeline's body path. Here only so the contract stays total.
      return new StreamRelay() {
        @Override
        public Buffer accept(Buffer chunk) {
          return chunk;
        }

        @Override
        public Buffer end() {
          return EMPTY;
        }

        @Override
        public Usage usage(long promptTokensEstimate) {
          return new Usage(promptTokensEstimate, 0, true);
        }
      };
    }

    @Override
    public Buffer clientError(int status, String upstreamBody) {
      return upstreamBody.isEmpty() ? EMPTY : Buffer.buffer(upstreamBody);
    }

    @Override
    public Buffer streamError(OpenAiError error) {
      return error.toJson().toBuffer();
    }
  };
}
