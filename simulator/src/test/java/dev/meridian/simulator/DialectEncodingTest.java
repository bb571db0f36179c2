package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class DialectEncodingTest {

  @Test
  void prettyWritesWhatPythonsJsonDumpsWrites() {
    JsonObject json = new JsonObject("{\"id\":\"x\",\"choices\":[],\"usage\":{\"a\":1,\"b\":[1,2.5,null,true]},"
        + "\"text\":\"caf\u00e9 \\\"q\\\"\\n\",\"empty\":{}}");
    // python3 -c 'import json; print(json.dumps(...))' on the same object
    assertThat(Dialect.PRETTY.encode(json)).isEqualTo(
        "{\"id\": \"x\", \"choices\": [], \"usage\": {\"a\": 1, \"b\": [1, 2.5, null, true]}, "
            + "\"text\": \"caf\\u00e9 \\\"q\\\"\\n\", \"empty\": {}}");
    assertThat(new JsonObject(Dialect.PRETTY.encode(json))).isEqualTo(json);
    assertThat(Dialect.COMPACT.encode(json)).isEqualTo(json.encode());
  }

  @Test
  void framingPerDialect() {
    JsonObject data = new JsonObject().put("a", 1);
    assertThat(Dialect.COMPACT.event(data, 4)).isEqualTo("data: {\"a\":1}\n\n");
    assertThat(Dialect.CRLF_EVENTS.event(data, 4)).isEqualTo("id: 4\r\nevent: message\r\ndata: {\"a\":1}\r\n\r\n");
    assertThat(Dialect.CRLF_EVENTS.done()).isEqualTo("data: [DONE]\r\n\r\n");
    assertThat(Dialect.CRLF_EVENTS.beforeRound(0)).isEqualTo(": keep-alive\r\n\r\n");
    assertThat(Dialect.CRLF_EVENTS.beforeRound(1)).isEmpty();
    assertThat(Dialect.OPENAI.beforeRound(0)).isEmpty();
  }

  @Test
  void usageIsSentWhenAskedExceptWhereADialectAlwaysOrNeverSendsIt() {
    JsonObject streaming = new JsonObject().put("stream", true);
    CompletionPlan asked = CompletionPlanTest.plan(CompletionPlanTest.PLAIN,
        streaming.copy().put("stream_options", new JsonObject().put("include_usage", true)));
    CompletionPlan unasked = CompletionPlanTest.plan(CompletionPlanTest.PLAIN, streaming);
    for (Dialect dialect : Dialect.values()) {
      assertThat(dialect.sendsUsage(asked)).as(dialect + " asked").isEqualTo(dialect != Dialect.NO_STREAM_USAGE);
      assertThat(dialect.sendsUsage(unasked)).as(dialect + " not asked").isEqualTo(dialect == Dialect.PRETTY);
    }
  }

  @Test
  void dialectsAreConfiguredPerProvider() {
    SimulatorOptions options = new SimulatorOptions();
    assertThat(options.dialectOf("deepseek")).isEqualTo(Dialect.COMPACT);
    options.setDialects("realistic,qwen=pretty");
    assertThat(options.dialectOf("deepseek")).isEqualTo(Dialect.DEEPSEEK);
    assertThat(options.dialectOf("tencent")).isEqualTo(Dialect.OPENAI);
    assertThat(options.dialectOf("stepfun")).isEqualTo(Dialect.PRETTY);
    assertThat(options.dialectOf("moonshot")).isEqualTo(Dialect.FINAL_CHUNK_USAGE);
    assertThat(options.dialectOf("bytedance")).isEqualTo(Dialect.CRLF_EVENTS);
    assertThat(options.dialectOf("qwen")).isEqualTo(Dialect.PRETTY);
    assertThat(options.dialectOf("zhipu")).isEqualTo(Dialect.COMPACT);
    assertThat(new SimulatorOptions(options.toJson()).dialectOf("qwen")).isEqualTo(Dialect.PRETTY);
    assertThat(new SimulatorOptions(options).dialectOf("bytedance")).isEqualTo(Dialect.CRLF_EVENTS);
    options.setDialects("*=crlf-events, deepseek = openai");
    assertThat(options.dialectOf("zhipu")).isEqualTo(Dialect.CRLF_EVENTS);
    assertThat(options.dialectOf("deepseek")).isEqualTo(Dialect.OPENAI);
    options.setDialects("realistic,compact");
    assertThat(options.dialectOf("deepseek")).isEqualTo(Dialect.COMPACT);
    assertThatThrownBy(() -> options.setDialects("deepseek=klingon")).hasMessageContaining("unknown dialect 'klingon'");
    assertThatThrownBy(() -> options.setDialects("fancy")).hasMessageContaining("unknown dialect preset 'fancy'");
    assertThatThrownBy(() -> options.setDialects("=pretty")).hasMessageContaining("names no provider");
  }
}
