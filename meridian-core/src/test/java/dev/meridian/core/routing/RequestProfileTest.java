package dev.meridian.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.ChatRequestParser;
import dev.meridian.core.openai.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The request profile read in one pass, with its keyword text built only when asked for: every field
 * must be what the eager profile (text built, lower-cased and searched up front) gave.
 */
class RequestProfileTest {

  private static RequestProfile profileOf(JsonObject body) {
    return RequestProfile.of(ChatRequestParser.validate(body));
  }

  private static JsonObject chat(Object... contents) {
    JsonArray messages = new JsonArray();
    for (Object content : contents) {
      messages.add(new JsonObject().put("role", "user").put("content", content));
    }
    return new JsonObject().put("model", "auto").put("messages", messages);
  }

  private static JsonArray parts(Object... partsAndTypes) {
    JsonArray parts = new JsonArray();
    for (Object part : partsAndTypes) {
      parts.add(part instanceof JsonObject object ? object : new JsonObject().put("type", "text").put("text", part));
    }
    return parts;
  }

  private static JsonObject image() {
    return new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "data:,"));
  }

  @Test
  void textIsTheMessagesTextLowerCasedOneLineEach() {
    RequestProfile profile = profileOf(chat("Hello THERE", parts("Part One", image(), "Part Two")));

    assertThat(profile.text()).isEqualTo("hello there\npart one\npart two\n");
    assertThat(profile.messages()).isEqualTo(2);
    assertThat(profile.images()).isTrue();
    assertThat(profile.estimatedPromptTokens())
        .isEqualTo(Usage.estimateTokens("Hello THERE".length() + "Part One".length() + "Part Two".length()));
  }

  @Test
  void codeCountsOnlyInsideTheFirstMaxTextCharacters() {
    String filler = "x".repeat(RequestProfile.MAX_TEXT - 10);
    // 10 characters are left after the filler and its newline: 9 of the next message's.
    assertThat(profileOf(chat(filler, "abcde```")).codeBlocks()).isTrue();
    assertThat(profileOf(chat(filler, "abcdefg```")).codeBlocks()).isFalse();
    assertThat(profileOf(chat(filler, "abcdef```")).codeBlocks()).isTrue();
    assertThat(profileOf(chat(filler, "more", "```")).codeBlocks()).isTrue();
    assertThat(profileOf(chat("x".repeat(RequestProfile.MAX_TEXT), "```")).codeBlocks()).isFalse();
  }

  @Test
  void textIsCutAtMaxTextLikeTheEagerProfile() {
    RequestProfile profile = profileOf(chat("A".repeat(RequestProfile.MAX_TEXT + 500), "tail"));

    assertThat(profile.text()).hasSize(RequestProfile.MAX_TEXT + 1).startsWith("aaa").endsWith("a\n");
    assertThat(profile.estimatedPromptTokens()).isEqualTo(Usage.estimateTokens(RequestProfile.MAX_TEXT + 500 + 4));
  }

  @Test
  void toolsAndFunctionsCountOnlyWhenNotEmpty() {
    assertThat(profileOf(chat("hi").put("tools", new JsonArray())).tools()).isFalse();
    assertThat(profileOf(chat("hi").put("tools", new JsonArray().add(new JsonObject().put("type", "function")))).tools()).isTrue();
    assertThat(profileOf(chat("hi").put("functions", new JsonArray().add(new JsonObject().put("name", "f")))).tools()).isTrue();
  }

  /** Random bodies near the text cut: the lazy profile equals the eager one field by field. */
  @Test
  void equalsTheEagerProfileOnRandomBodies() {
    Random random = new Random(20261204);
    String[] pieces = {"```", "Code", "İstanbul", "x".repeat(997), "y".repeat(4_999), "\n", "` `", "ÄÖÜ"};
    for (int round = 0; round < 500; round++) {
      JsonArray messages = new JsonArray();
      int count = 1 + random.nextInt(8);
      for (int i = 0; i < count; i++) {
        StringBuilder content = new StringBuilder();
        int length = random.nextInt(12);
        for (int j = 0; j < length; j++) {
          content.append(pieces[random.nextInt(pieces.length)]);
        }
        Object value = random.nextInt(4) == 0 ? parts(content.toString(), image(), "```" + content) : content.toString();
        messages.add(new JsonObject().put("role", "user").put("content", value));
      }
      JsonObject body = new JsonObject().put("model", "auto").put("messages", messages);
      RequestProfile lazy = profileOf(body);
      RequestProfile eager = EagerProfile.of(body);

      assertThat(lazy.codeBlocks()).as("round %d code", round).isEqualTo(eager.codeBlocks());
      assertThat(lazy.estimatedPromptTokens()).as("round %d tokens", round).isEqualTo(eager.estimatedPromptTokens());
      assertThat(lazy.images()).isEqualTo(eager.images());
      assertThat(lazy.text()).as("round %d text", round).isEqualTo(eager.text());
      assertThat(lazy).isEqualTo(eager);
    }
  }

  /** The profile as it was computed before the text became lazy: the reference for the test above. */
  private static final class EagerProfile {
    static RequestProfile of(JsonObject body) {
      JsonArray messages = body.getJsonArray("messages");
      StringBuilder text = new StringBuilder();
      long characters = 0;
      boolean images = false;
      for (int i = 0; i < messages.size(); i++) {
        Object content = messages.getJsonObject(i).getValue("content");
        if (content instanceof String s) {
          characters += s.length();
          append(text, s);
        } else if (content instanceof JsonArray parts) {
          for (int p = 0; p < parts.size(); p++) {
            JsonObject part = parts.getJsonObject(p);
            String type = part.getValue("type") instanceof String t ? t : "";
            if (type.equals("image_url")) {
              images = true;
            } else if (part.getValue("text") instanceof String s) {
              characters += s.length();
              append(text, s);
            }
          }
        }
      }
      String lower = text.toString().toLowerCase(Locale.ROOT);
      return new RequestProfile(
          messages.size(), Usage.estimateTokens(characters), lower.contains("```"), images, false, null, lower);
    }

    private static void append(StringBuilder text, String s) {
      if (text.length() < RequestProfile.MAX_TEXT) {
        text.append(s, 0, Math.min(s.length(), RequestProfile.MAX_TEXT - text.length())).append('\n');
      }
    }
  }
}
