package dev.meridian.core.translate.completions;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A chat completion as a legacy {@code text_completion}: each choice's content as its text (after the
 * prompt when echoed), its token log probabilities in the legacy layout, the usage as the provider sent
 * it.
 */
public final class CompletionsResponseMapper {
  private CompletionsResponseMapper() {}

  public static JsonObject map(JsonObject completion, CompletionContext context) {
    JsonArray choices = new JsonArray();
    if (completion.getValue("choices") instanceof JsonArray chatChoices) {
      for (int i = 0; i < chatChoices.size(); i++) {
        if (chatChoices.getValue(i) instanceof JsonObject choice) {
          JsonObject message = choice.getValue("message") instanceof JsonObject m ? m : new JsonObject();
          String text = message.getValue("content") instanceof String s ? s : "";
          choices.add(new JsonObject()
              .put("text", context.echoedPrompt() == null ? text : context.echoedPrompt() + text)
              .put("index", choice.getValue("index") instanceof Number n ? n.intValue() : i)
              .put("logprobs", legacyLogprobs(choice.getValue("logprobs"), context.echoedPrompt() == null ? 0 : context.echoedPrompt().length()))
              .put("finish_reason", choice.getValue("finish_reason")));
        }
      }
    }
    JsonObject out = new JsonObject()
        .put("id", context.id())
        .put("object", "text_completion")
        .put("created", context.created())
        .put("model", context.model())
        .put("choices", choices);
    if (completion.getValue("system_fingerprint") instanceof String fingerprint) {
      out.put("system_fingerprint", fingerprint);
    }
    if (completion.getValue("usage") instanceof JsonObject usage) {
      out.put("usage", usage);
    }
    return out;
  }

  /**
   * Chat's {@code logprobs.content} (one entry per token with its alternatives) as the legacy layout:
   * parallel {@code tokens}, {@code token_logprobs}, {@code top_logprobs} (token to log probability)
   * and {@code text_offset} (each token's offset in the returned text); null when none was sent.
   *
   * @param offset where the completion starts in the returned text (the echoed prompt's length)
   */
  public static JsonObject legacyLogprobs(Object chatLogprobs, int offset) {
    if (!(chatLogprobs instanceof JsonObject logprobs) || !(logprobs.getValue("content") instanceof JsonArray content)) {
      return null;
    }
    JsonArray tokens = new JsonArray();
    JsonArray tokenLogprobs = new JsonArray();
    JsonArray top = new JsonArray();
    JsonArray offsets = new JsonArray();
    int at = offset;
    for (int i = 0; i < content.size(); i++) {
      if (!(content.getValue(i) instanceof JsonObject token)) {
        continue;
      }
      String text = token.getValue("token") instanceof String s ? s : "";
      tokens.add(text);
      tokenLogprobs.add(token.getValue("logprob") instanceof Number n ? n : 0);
      JsonObject alternatives = new JsonObject();
      if (token.getValue("top_logprobs") instanceof JsonArray list) {
        for (int j = 0; j < list.size(); j++) {
          if (list.getValue(j) instanceof JsonObject alternative && alternative.getValue("token") instanceof String name) {
            alternatives.put(name, alternative.getValue("logprob") instanceof Number n ? n : 0);
          }
        }
      }
      top.add(alternatives);
      offsets.add(at);
      at += text.length();
    }
    return new JsonObject()
        .put("tokens", tokens)
        .put("token_logprobs", tokenLogprobs)
        .put("top_logprobs", top)
        .put("text_offset", offsets);
  }
}
