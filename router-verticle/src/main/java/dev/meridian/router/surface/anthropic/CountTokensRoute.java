package dev.meridian.router.surface.anthropic;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.Tier;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import dev.meridian.core.routing.RouteSelector;
import dev.meridian.core.tenancy.ClientKey;
import dev.meridian.core.translate.anthropic.AnthropicErrors;
import dev.meridian.core.translate.anthropic.MessagesRequestMapper;
import dev.meridian.core.translate.anthropic.TokenCount;
import dev.meridian.router.surface.TranslatedBodies;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/messages/count_tokens}: the Messages request parsed as {@code /v1/messages} parses it,
 * answered with Meridian's prompt estimate ({@link TokenCount}); no provider is asked, so no limit is
 * counted. The key and the model are checked as on {@code /v1/messages} (401, 403, 404), every refusal
 * in Anthropic's error shape.
 */
public final class CountTokensRoute {
  public static final String PATH = "/v1/messages/count_tokens";
  private static final Logger LOG = LoggerFactory.getLogger(CountTokensRoute.class);
  private static final String CLIENT = "meridian.anthropic.client";

  /** Who is calling: the key, null on an open router; throws a 401 {@link OpenAiException} otherwise. */
  @FunctionalInterface
  public interface Authenticator {
    ClientKey authenticate(HttpServerRequest request);
  }

  private final Authenticator authenticator;
  private final Supplier<Catalog> catalog;
  private final long maxBodyBytes;

  public CountTokensRoute(Authenticator authenticator, Supplier<Catalog> catalog, long maxBodyBytes) {
    this.authenticator = authenticator;
    this.catalog = catalog;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Mount before the router's own {@code /v1/*} authentication, whose refusals are OpenAI-shaped. */
  public void mountOn(Router router) {
    // Two routes: Vert.x Web wants the body handler first on its route, and the key is checked before
    // a byte of the body is read.
    router.post(PATH).handler(this::authenticate).failureHandler(this::failed);
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes)).handler(this::count);
  }

  private void authenticate(RoutingContext ctx) {
    try {
      ctx.put(CLIENT, authenticator.authenticate(ctx.request()));
    } catch (OpenAiException e) {
      ctx.response().putHeader("www-authenticate", "Bearer realm=\"meridian\"");
      send(ctx.response(), e.error());
      return;
    }
    ctx.next();
  }

  private void count(RoutingContext ctx) {
    Catalog current = catalog.get();
    ChatRequest mapped;
    try {
      Buffer body = ctx.body().buffer();
      mapped = MessagesRequestMapper.mapForCount(TranslatedBodies.object(body == null ? Buffer.buffer() : body), current::model);
      ClientKey client = ctx.get(CLIENT);
      String model = mapped.model();
      if (!known(model, current)) {
        throw OpenAiError.modelNotFound(model).asException();
      }
      if (client != null && !client.mayRequest(model, current)) {
        throw OpenAiError.permissionDenied(RouteSelector.MODEL_NOT_ALLOWED,
            "API key '" + client.name() + "' may not use '" + model + "'. GET /v1/models lists what it may use.").asException();
      }
    } catch (OpenAiException e) {
      send(ctx.response(), e.error());
      return;
    }
    ctx.response().putHeader("content-type", "application/json").end(TokenCount.answer(mapped).toBuffer());
  }

  /** A name route selection would take: a catalog model, a tier or {@code auto}. */
  static boolean known(String model, Catalog catalog) {
    return catalog.model(model) != null || Tier.fromId(model) != null
        || RouteSelector.AUTO.equals(model.toLowerCase(Locale.ROOT)) || catalog.aliases().resolve(model) != null;
  }

  private void failed(RoutingContext ctx) {
    OpenAiError error;
    if (ctx.failure() instanceof OpenAiException e) {
      error = e.error();
    } else if (ctx.statusCode() == 413) {
      error = OpenAiError.requestTooLarge(maxBodyBytes);
    } else if (ctx.failure() == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      error = new OpenAiError(ctx.statusCode(), OpenAiError.INVALID_REQUEST, "bad_request", "The request could not be read.", null);
    } else {
      LOG.error("count_tokens failed", ctx.failure());
      error = OpenAiError.internal();
    }
    send(ctx.response(), error);
  }

  private static void send(HttpServerResponse response, OpenAiError error) {
    if (response.headWritten() || response.closed()) {
      return;
    }
    response.setStatusCode(error.status()).putHeader("content-type", "application/json")
        .end(AnthropicErrors.toJson(error).toBuffer());
  }
}
