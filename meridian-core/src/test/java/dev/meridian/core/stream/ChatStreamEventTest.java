package dev.meridian.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.Usage;
import dev.meridian.core.stream.ChatStreamEvent.Kind;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChatStreamEventTest {
  record Row(String name, String event, String data, Kind kind, Usage usage, long tokens) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final Usage U = new Usage(9, 12, false);

  static List<Row> rows() {
    return List.of(
        new Row("no data", null, null, Kind.NO_DATA, null, 0),
        new Row("named event without data", "ping", null, Kind.NO_DATA, null, 0),
        new Row("done", null, "[DONE]", Kind.DONE, null, 0),
        new Row("done with spaces", null, " [DONE] ", Kind.DONE, null, 0),
        new Row("content, compact", null, "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}",
            Kind.CHUNK, null, 1),
        new Row("content, pretty", null, "{\n  \"choices\": [\n    {\"index\": 0, \"delta\": {\"content\": \"Hello there\"}}\n  ]\n}",
            Kind.CHUNK, null, 3),
        new Row("empty content and role only", null, "{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}",
            Kind.CHUNK, null, 0),
        new Row("null usage on a content chunk", null, "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":null}",
            Kind.CHUNK, null, 1),
        new Row("usage-only, compact", null, "{\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12}}",
            Kind.USAGE_ONLY, U, 0),
        new Row("usage-only, pretty", null, "{\"id\": \"x\", \"choices\": [ ], \"usage\": {\"prompt_tokens\": 9, \"completion_tokens\": 12}}",
            Kind.USAGE_ONLY, U, 0),
        new Row("usage-only, choices absent", null, "{\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12}}",
            Kind.USAGE_ONLY, U, 0),
        new Row("usage-only with a malformed usage is still usage-only", null, "{\"choices\":[],\"usage\":{\"prompt_tokens\":9}}",
            Kind.USAGE_ONLY, null, 0),
        new Row("empty choices without usage (Azure prompt filter)", null, "{\"choices\":[],\"prompt_filter_results\":[]}",
            Kind.CHUNK, null, 0),
        new Row("usage in the last content chunk", null,
            "{\"choices\":[{\"delta\":{\"content\":\"end\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12}}",
            Kind.CHUNK, U, 1),
        new Row("DeepSeek reasoning and cache hits", null,
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":8,\"prompt_cache_hit_tokens\":24,"
                + "\"prompt_cache_miss_tokens\":6,\"completion_tokens_details\":{\"reasoning_tokens\":5}}}",
            Kind.USAGE_ONLY, new Usage(30, 8, 24, 5, false), 0),
        new Row("DeepSeek reasoning_content delta", null,
            "{\"choices\":[{\"delta\":{\"reasoning_content\":\"Let me think\",\"content\":null}}]}", Kind.CHUNK, null, 3),
        new Row("OpenAI cached and reasoning tokens", null,
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":2006,\"completion_tokens\":300,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":1920,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":256,\"accepted_prediction_tokens\":0}}}",
            Kind.USAGE_ONLY, new Usage(2006, 300, 1920, 256, false), 0),
        new Row("unknown fields", null,
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp\","
                + "\"obfuscation\":\"a1b2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"logprobs\":null}]}",
            Kind.CHUNK, null, 1),
        new Row("tool call arguments", null,
            "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Par\"}}]}}]}",
            Kind.CHUNK, null, 3),
        new Row("two choices in one chunk", null,
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}},{\"index\":1,\"delta\":{\"content\":\"b\"}}]}",
            Kind.CHUNK, null, 2),
        new Row("content mentioning usage and choices", null,
            "{\"choices\":[{\"delta\":{\"content\":\"\\\"choices\\\":[] and \\\"usage\\\" and \\\"error\\\"\"}}]}",
            Kind.CHUNK, null, 9),
        new Row("OpenAI error shape", null, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}",
            Kind.ERROR, null, 0),
        new Row("type ending in error", null, "{\"type\":\"invalid_request_error\",\"message\":\"bad\"}", Kind.ERROR, null, 0),
        new Row("Anthropic-like error", null, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}", Kind.ERROR, null, 0),
        new Row("vLLM error object", null, "{\"object\":\"error\",\"message\":\"x\",\"type\":\"BadRequestError\"}", Kind.ERROR, null, 0),
        new Row("event: error", "error", "{\"message\":\"boom\"}", Kind.ERROR, null, 0),
        new Row("event: error without data", "error", null, Kind.ERROR, null, 0),
        new Row("null error is no error", null, "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"error\":null}", Kind.CHUNK, null, 1),
        new Row("non-JSON data", null, "upstream exploded", Kind.ERROR, null, 0),
        new Row("JSON that is not an object", null, "[1,2]", Kind.ERROR, null, 0),
        new Row("truncated JSON", null, "{\"choices\":[{\"delta\":{\"content\":\"a\"}}", Kind.ERROR, null, 0),
        new Row("trailing garbage", null, "{\"choices\":[]} x", Kind.ERROR, null, 0));
  }

  @ParameterizedTest
  @MethodSource("rows")
  void classifies(Row row) {
    ChatStreamEvent event = ChatStreamEvent.classify(row.event, row.data);
    assertThat(event.kind()).isEqualTo(row.kind);
    assertThat(event.usage()).isEqualTo(row.usage);
    assertThat(event.completionTokens()).isEqualTo(row.tokens);
  }
}
