package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.stream.SseFrame;
import dev.meridian.core.stream.SseFramer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each dialect of the realistic preset, over HTTP: what its bytes look like and when it sends usage.
 * Streams are read raw and framed by core's {@link SseFramer}, so CRLF and event lines are seen as sent.
 */
class DialectsTest extends SimulatorTestBase {
  static final String COMPACT = "qwen3-8b";
  static final String OPENAI = "hunyuan-turbos";
  static final String DEEPSEEK = "deepseek-v4-flash";
  static final String PRETTY = "step-3.5-flash";
  static final String FINAL_CHUNK = "kimi-k2.5";
  static final String CRLF = "doubao-seed-lite";

  @Override
  SimulatorOptions options() {
    return super.options().setDialects(SimulatorOptions.REALISTIC_DIALECTS);
  }

  /** The raw stream and its frames with data. */
  record Stream(String raw, List<SseFrame> frames) {
    List<JsonObject> chunks() {
      return frames.stream().filter(f -> !f.data().equals("[DONE]")).map(f -> new JsonObject(f.data())).toList();
    }

    List<JsonObject> usageOnly() {
      return chunks().stream().filter(c -> c.getJsonArray("choices").isEmpty()).toList();
    }

    boolean endsWithDone() {
      return frames.get(frames.size() - 1).data().equals("[DONE]");
    }
  }

  Stream stream(String model, boolean includeUsage, JsonObject extra) {
    JsonObject body = chat(model, "Explain recursion").put("stream", true).put("max_tokens", 10).mergeIn(extra);
    if (includeUsage) {
      body.put("stream_options", new JsonObject().put("include_usage", true));
    }
    SimClient.Reply reply = client.post(path(model, "us-east"), body);
    assertThat(reply.status()).isEqualTo(200);
    SseFramer framer = new SseFramer();
    List<SseFrame> frames = new ArrayList<>(framer.feed(Buffer.buffer(reply.body())).frames());
    frames.addAll(framer.finish().frames());
    return new Stream(reply.body(), frames.stream().filter(f -> f.data() != null).toList());
  }

  @Test
  void compactSendsUsageOnlyWhenAsked() {
    Stream asked = stream(COMPACT, true, new JsonObject());
    assertThat(asked.raw()).doesNotContain("\r").contains("\"choices\":[]");
    assertThat(asked.usageOnly()).hasSize(1);
    assertThat(asked.usageOnly().get(0).getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(10);
    assertThat(stream(COMPACT, false, new JsonObject()).usageOnly()).isEmpty();
  }

  @Test
  void openAiAddsItsFieldsAndDetailedUsage() {
    Stream asked = stream(OPENAI, true, new JsonObject());
    for (JsonObject chunk : asked.chunks()) {
      assertThat(chunk.getString("system_fingerprint")).startsWith("fp_");
      assertThat(chunk.getString("service_tier")).isEqualTo("default");
      assertThat(chunk.getString("obfuscation")).isNotEmpty();
      assertThat(chunk.containsKey("usage")).as("usage (null on content chunks) on every chunk").isTrue();
    }
    JsonObject usage = asked.usageOnly().get(0).getJsonObject("usage");
    assertThat(usage.getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).isZero();
    assertThat(usage.getJsonObject("completion_tokens_details").getInteger("reasoning_tokens")).isZero();
    Stream unasked = stream(OPENAI, false, new JsonObject());
    assertThat(unasked.usageOnly()).isEmpty();
    assertThat(unasked.chunks()).allSatisfy(chunk -> assertThat(chunk.containsKey("usage")).isFalse());
  }

  @Test
  void anEndpointsPromptCacheServesThePrefixItSawInEachDialect() {
    String system = "You are a careful assistant. ".repeat(8);
    JsonArray first = new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", system))
        .add(new JsonObject().put("role", "user").put("content", "Explain recursion"));
    JsonArray second = first.copy();
    second.getJsonObject(1).put("content", "Explain iteration");
    int cached = system.length() / 4;
    for (String model : new String[] {OPENAI, DEEPSEEK}) {
      JsonObject miss = client.post(path(model, "us-east"), chat(model, "x").put("messages", first)).json().getJsonObject("usage");
      JsonObject hit = client.post(path(model, "us-east"), chat(model, "x").put("messages", second)).json().getJsonObject("usage");
      JsonObject elsewhere = client.post(path(model, "eu-west"), chat(model, "x").put("messages", second)).json().getJsonObject("usage");
      if (model.equals(OPENAI)) {
        assertThat(miss.getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).as("first sight").isZero();
        assertThat(hit.getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).isEqualTo(cached);
        assertThat(elsewhere.getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).as("another endpoint's cache").isZero();
      } else {
        assertThat(miss.getInteger("prompt_cache_hit_tokens")).isZero();
        assertThat(hit.getInteger("prompt_cache_hit_tokens")).isEqualTo(cached);
        assertThat(hit.getInteger("prompt_cache_hit_tokens") + hit.getInteger("prompt_cache_miss_tokens"))
            .isEqualTo(hit.getInteger("prompt_tokens"));
        assertThat(hit.containsKey("prompt_tokens_details")).isFalse();
        assertThat(elsewhere.getInteger("prompt_cache_hit_tokens")).isZero();
      }
    }
  }

  @Test
  void deepSeekReasonerStreamsReasoningContent() {
    Stream stream = stream("deepseek-r1", true, new JsonObject());
    assertThat(stream.chunks().get(0).getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
        .getString("reasoning_content")).isNotBlank();
    JsonObject usage = stream.usageOnly().get(0).getJsonObject("usage");
    assertThat(usage.getJsonObject("completion_tokens_details").getInteger("reasoning_tokens")).isPositive();
    assertThat(usage.containsKey("prompt_cache_miss_tokens")).isTrue();
  }

  @Test
  void prettyIsPythonSpacedAndAlwaysSendsUsage() {
    Stream unasked = stream(PRETTY, false, new JsonObject());
    assertThat(unasked.raw()).contains("\"choices\": []").contains("\"object\": \"chat.completion.chunk\", ")
        .doesNotContain("\"choices\":[");
    assertThat(unasked.usageOnly()).as("sent although not asked for").hasSize(1);
    assertThat(unasked.endsWithDone()).isTrue();
    SimClient.Reply whole = client.post(path(PRETTY, "us-east"), chat(PRETTY, "x"));
    assertThat(whole.body()).startsWith("{\"id\": \"chatcmpl-").contains("\"usage\": {\"prompt_tokens\": ");
  }

  @Test
  void finalChunkUsageRidesOnTheLastFinishChunkWhenAsked() {
    Stream asked = stream(FINAL_CHUNK, true, new JsonObject());
    assertThat(asked.usageOnly()).isEmpty();
    List<JsonObject> chunks = asked.chunks();
    JsonObject last = chunks.get(chunks.size() - 1);
    assertThat(last.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("length");
    assertThat(last.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(10);
    assertThat(chunks.subList(0, chunks.size() - 1)).noneMatch(c -> c.containsKey("usage"));
    assertThat(stream(FINAL_CHUNK, false, new JsonObject()).chunks()).noneMatch(c -> c.containsKey("usage"));
    // With n = 2 only the very last finish chunk carries it.
    List<JsonObject> two = stream(FINAL_CHUNK, true, new JsonObject().put("n", 2)).chunks();
    assertThat(two.stream().filter(c -> c.containsKey("usage")).toList()).hasSize(1);
    assertThat(two.get(two.size() - 1).getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(20);
  }

  @Test
  void crlfEventsHasEventAndIdLinesAndKeepAlives() {
    Stream stream = stream(CRLF, true, new JsonObject());
    assertThat(stream.raw()).contains(": keep-alive\r\n\r\n").doesNotContain("\n\n").startsWith(": keep-alive");
    assertThat(stream.raw().replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
    List<SseFrame> data = stream.frames().subList(0, stream.frames().size() - 1);
    for (int i = 0; i < data.size(); i++) {
      assertThat(data.get(i).event()).isEqualTo("message");
      assertThat(data.get(i).id()).isEqualTo(Integer.toString(i));
    }
    assertThat(stream.usageOnly()).hasSize(1);
    assertThat(stream.endsWithDone()).isTrue();
  }

  @Test
  void errorEventsComeInEachProvidersShape() {
    for (String model : List.of(COMPACT, OPENAI, PRETTY, CRLF)) {
      simulator.faults().set(model, "us-east", FaultSpec.NONE.withErrorAfterChunks(2));
    }
    assertThat(errorEvent(COMPACT).data()).isEqualTo(errorEvent(OPENAI).data());
    JsonObject openAi = new JsonObject(errorEvent(OPENAI).data()).getJsonObject("error");
    assertThat(openAi.getString("type")).isEqualTo("server_error");
    assertThat(openAi.getString("message")).isEqualTo(StreamingResponder.STREAM_ERROR_MESSAGE);

    SseFrame vllm = errorEvent(PRETTY);
    assertThat(new JsonObject(vllm.data()).getString("object")).isEqualTo("error");
    assertThat(vllm.data()).startsWith("{\"object\": \"error\", ");

    SseFrame crlf = errorEvent(CRLF);
    assertThat(crlf.event()).isEqualTo("error");
    assertThat(new JsonObject(crlf.data()).fieldNames()).containsExactlyInAnyOrder("message", "code");
  }

  private SseFrame errorEvent(String model) {
    Stream stream = stream(model, false, new JsonObject());
    assertThat(stream.endsWithDone()).isFalse();
    assertThat(stream.frames()).as(model).hasSize(3);
    return stream.frames().get(2);
  }
}
