package dev.meridian.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.core.catalog.CatalogException;
import dev.meridian.core.catalog.Tier;
import dev.meridian.core.openai.ChatRequestParser;
import dev.meridian.core.routing.Classifier.RequestClass;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The default classifier rules over typical requests of each class. */
class ClassifierTest {
  static final Classifier CLASSIFIER = Classifier.defaults();

  static RequestProfile profile(String content, int messages, Integer maxTokens, boolean tools) {
    JsonArray list = new JsonArray();
    for (int i = 0; i < messages; i++) {
      list.add(new JsonObject().put("role", i % 2 == 0 ? "user" : "assistant").put("content", i == messages - 1 ? content : "ok"));
    }
    JsonObject body = new JsonObject().put("model", "auto").put("messages", list);
    if (maxTokens != null) {
      body.put("max_tokens", maxTokens);
    }
    if (tools) {
      body.put("tools", new JsonArray().add(new JsonObject().put("type", "function")));
    }
    return RequestProfile.of(ChatRequestParser.validate(body));
  }

  static Stream<Arguments> requests() {
    return Stream.of(
        Arguments.of("greeting", profile("hello!", 1, null, false), RequestClass.SIMPLE),
        Arguments.of("classification", profile("Label this review positive or negative: great phone", 1, 5, false), RequestClass.SIMPLE),
        Arguments.of("summary of a paragraph", profile("Summarise: " + "word ".repeat(300), 1, null, false), RequestClass.SIMPLE),
        Arguments.of("'prove' inside a word", profile("How can I improve my sleep?", 1, null, false), RequestClass.SIMPLE),
        Arguments.of("formatting", profile("Turn this into JSON: name Ann, age 3", 1, null, false), RequestClass.SIMPLE),
        Arguments.of("code block", profile("Why does this fail?\n```js\nnull.x\n```", 1, null, false), RequestClass.MODERATE),
        Arguments.of("tools", profile("What is the weather in Paris?", 1, null, true), RequestClass.MODERATE),
        Arguments.of("long document", profile("Summarise: " + "word ".repeat(3000), 1, null, false), RequestClass.MODERATE),
        Arguments.of("long answer wanted", profile("Write an essay on tea", 1, 2000, false), RequestClass.MODERATE),
        Arguments.of("conversation", profile("and then?", 7, null, false), RequestClass.MODERATE),
        Arguments.of("step by step", profile("Solve step by step: 3x + 5 = 20", 1, null, false), RequestClass.COMPLEX),
        Arguments.of("proof", profile("Prove that there are infinitely many primes", 1, null, false), RequestClass.COMPLEX),
        Arguments.of("tools and code", profile("Refactor:\n```java\nclass A{}\n```", 1, null, true), RequestClass.COMPLEX),
        Arguments.of("huge prompt", profile("Review: " + "token ".repeat(20_000), 1, null, false), RequestClass.COMPLEX),
        Arguments.of("long conversation", profile("next", 17, null, false), RequestClass.COMPLEX));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("requests")
  void classifiesTypicalRequests(String name, RequestProfile profile, RequestClass expected) {
    Classifier.Classification result = CLASSIFIER.classify(profile);
    assertThat(result.requestClass()).isEqualTo(expected);
    assertThat(result.reason()).isNotBlank();
    assertThat(result.startTier()).isEqualTo(switch (expected) {
      case SIMPLE -> Tier.ULTRA_BUDGET;
      case MODERATE -> Tier.BUDGET;
      case COMPLEX -> Tier.PREMIUM;
    });
  }

  @Test
  void rulesComeFromConfiguration() {
    Classifier custom = Classifier.fromJson(new JsonObject(
        "{\"tiers\":{\"complex\":\"mid-range\"},\"rules\":[{\"class\":\"complex\",\"keywords\":[\"SQL\"]}]}"));
    Classifier.Classification sql = custom.classify(profile("write a sql query", 1, null, false));
    assertThat(sql.requestClass()).isEqualTo(RequestClass.COMPLEX);
    assertThat(sql.startTier()).isEqualTo(Tier.MID_RANGE);
    assertThat(custom.classify(profile("Prove it step by step", 1, null, false)).requestClass())
        .isEqualTo(RequestClass.SIMPLE);
    assertThatThrownBy(() -> Classifier.fromJson(new JsonObject("{\"rules\":[{\"class\":\"hard\"}]}")))
        .isInstanceOf(CatalogException.class).hasMessageContaining("simple, moderate or complex");
    assertThatThrownBy(() -> Classifier.fromJson(new JsonObject("{\"tiers\":{\"simple\":\"free\"}}")))
        .isInstanceOf(CatalogException.class).hasMessageContaining("unknown tier 'free'");
  }

  @Test
  void imagesAreDetectedInContentParts() {
    JsonObject body = new JsonObject().put("model", "auto").put("messages", new JsonArray().add(
        new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "x"))))));
    RequestProfile profile = RequestProfile.of(ChatRequestParser.validate(body));
    assertThat(profile.images()).isTrue();
    assertThat(CLASSIFIER.classify(profile).requestClass()).isEqualTo(RequestClass.MODERATE);
  }
}
