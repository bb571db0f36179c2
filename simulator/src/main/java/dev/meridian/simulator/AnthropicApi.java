package dev.meridian.simulator;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.Provider;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.ChatRequestParser;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import dev.meridian.core.translate.anthropic.AnthropicErrors;
import dev.meridian.core.translate.anthropic.MessageContext;
import dev.meridian.core.translate.anthropic.MessagesRequestMapper;
import dev.meridian.core.translate.anthropic.TokenCount;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Anthropic-compatible Messages endpoints of the providers whose catalog entry declares them
 * ({@code anthropicBaseUrls}): {@code POST /{region}/{provider}/anthropic/v1/messages}, key in
 * {@code x-api-key}. The request is read as Messages, answered by the same simulated model (latency,
 * distance, faults, tools, structured output) and written as Messages, JSON or event stream, with the
 * provider's own ids ({@code msg_sim...}) and model name.
 */
final class AnthropicApi {
  private final Catalog catalog;
  private final ProviderApi providers;
  private final AtomicLong nextId = new AtomicLong();

  AnthropicApi(Catalog catalog, ProviderApi providers) {
    this.catalog = catalog;
    this.providers = providers;
  }

  void mount(Router router) {
    router
        .post("/:region/:provider/anthropic/v1/messages")
        .handler(BodyHandler.create(false).setBodyLimit(ProviderApi.MAX_BODY_BYTES))
        .handler(this::messages);
  }

  private void messages(RoutingContext ctx) {
    String region = ctx.pathParam("region");
    String providerId = ctx.pathParam("provider");
    Provider provider = catalog.provider(providerId);
    if (provider == null || provider.anthropicBaseUrl(region) == null || !providers.serves(region, providerId)) {
      refuse(ctx, Replies.unknownProvider(region, providerId));
      return;
    }
    JsonObject wire;
    ChatRequest chat;
    try {
      wire = ChatRequestParser.parseObject(ctx.body().asString());
      chat = MessagesRequestMapper.map(wire, name -> {
        Endpoint endpoint = providers.endpoint(region, providerId, name);
        return endpoint == null ? null : endpoint.model();
      });
      if (chat.stream()) {
        // The usage event, for message_delta's counts.
        chat = ChatRequestParser.validate(chat.body().copy()
            .put("stream_options", new JsonObject().put("include_usage", true)));
      }
    } catch (OpenAiException e) {
      refuse(ctx, e.error());
      return;
    }
    String id = "msg_sim" + String.format("%017x", nextId.incrementAndGet());
    MessageContext context = MessageContext.of(id, wire, TokenCount.estimate(chat));
    providers.serve(ctx.request(), region, providerId, chat, new AnthropicTranscoder(chat.stream(), context));
  }

  private static void refuse(RoutingContext ctx, OpenAiError error) {
    ctx.response().setStatusCode(error.status()).putHeader("content-type", Replies.JSON)
        .end(AnthropicErrors.toJson(error).toBuffer());
  }
}
