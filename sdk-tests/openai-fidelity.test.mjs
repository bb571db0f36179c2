// What LangChain's with_structured_output and bind_tools, the AI SDK's generateObject and plain agent
// loops rely on, with the official OpenAI Node SDK against the embedded default (simulated providers in
// their realistic dialects): structured output, tool calls, a tool-result round trip, n choices,
// logprobs, and streamed tool-call deltas reassembled by the SDK's own stream helpers.
import test from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { makeParseableResponseFormat } from "openai/lib/parser";

const client = new OpenAI({ baseURL: `${process.env.MERIDIAN_URL}/v1`, apiKey: "sk-meridian-demo-key", maxRetries: 0 });

const weatherSchema = {
  type: "object",
  properties: {
    city: { type: "string", minLength: 1 },
    unit: { type: "string", enum: ["celsius", "fahrenheit"] },
    days: { type: "integer", minimum: 1, maximum: 7 },
  },
  required: ["city", "unit", "days"],
  additionalProperties: false,
};
const tools = [{
  type: "function",
  function: { name: "get_weather", description: "Current weather in a city", parameters: weatherSchema, strict: true },
}];
const reportSchema = {
  type: "object",
  properties: {
    title: { type: "string" },
    score: { type: "number", minimum: 0, maximum: 10 },
    tags: { type: "array", items: { type: "string" }, minItems: 1 },
    author: { $ref: "#/$defs/person" },
    status: { anyOf: [{ type: "string", enum: ["draft", "final"] }, { type: "null" }] },
  },
  required: ["title", "score", "tags", "author", "status"],
  additionalProperties: false,
  $defs: {
    person: { type: "object", properties: { name: { type: "string" } }, required: ["name"], additionalProperties: false },
  },
};

/** The problems of `value` against `schema` (the keywords the schemas above use); empty when it conforms. */
function problems(schema, value, root = schema, at = "$") {
  if (schema.$ref) {
    return problems(schema.$ref.split("/").slice(1).reduce((s, key) => s[key], root), value, root, at);
  }
  if (schema.anyOf) {
    return schema.anyOf.some((branch) => problems(branch, value, root, at).length === 0) ? [] : [`${at}: no anyOf branch`];
  }
  const out = [];
  const type = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  const wanted = schema.type === "integer" ? "number" : schema.type;
  if (wanted && wanted !== type) return [`${at}: ${type} is not ${schema.type}`];
  if (schema.type === "integer" && !Number.isInteger(value)) out.push(`${at}: not an integer`);
  if (schema.enum && !schema.enum.includes(value)) out.push(`${at}: ${value} not in enum`);
  if (schema.minimum !== undefined && value < schema.minimum) out.push(`${at}: below minimum`);
  if (schema.maximum !== undefined && value > schema.maximum) out.push(`${at}: above maximum`);
  if (schema.minLength !== undefined && value.length < schema.minLength) out.push(`${at}: too short`);
  if (type === "array") {
    if (value.length < (schema.minItems ?? 0)) out.push(`${at}: too few items`);
    value.forEach((item, i) => out.push(...problems(schema.items ?? {}, item, root, `${at}[${i}]`)));
  }
  if (type === "object") {
    for (const name of schema.required ?? []) if (!(name in value)) out.push(`${at}: missing ${name}`);
    for (const [name, item] of Object.entries(value)) {
      if (schema.properties?.[name]) out.push(...problems(schema.properties[name], item, root, `${at}.${name}`));
      else if (schema.additionalProperties === false) out.push(`${at}: unexpected ${name}`);
    }
  }
  return out;
}

test("structured output: chat.completions.parse with a JSON schema returns an object valid for it", async () => {
  const response_format = makeParseableResponseFormat(
    { type: "json_schema", json_schema: { name: "report", strict: true, schema: reportSchema } },
    (content) => JSON.parse(content));
  for (const model of ["auto", "deepseek-r1", "doubao-seed-lite", "step-3.5-flash"]) {
    const completion = await client.chat.completions.parse({
      model, messages: [{ role: "user", content: "Review this paper" }], response_format });
    const parsed = completion.choices[0].message.parsed;
    assert.equal(typeof parsed, "object", `${model}: ${completion.choices[0].message.content}`);
    assert.deepEqual(problems(reportSchema, parsed), [], `${model}: ${JSON.stringify(parsed)}`);
  }
});

test("json_object mode gives a JSON object", async () => {
  const completion = await client.chat.completions.create({
    model: "budget", messages: [{ role: "user", content: "Answer in JSON" }], response_format: { type: "json_object" } });
  const parsed = JSON.parse(completion.choices[0].message.content);
  assert.ok(parsed && typeof parsed === "object" && !Array.isArray(parsed));
});

test("tools: the answer is a tool call whose arguments are JSON valid for the tool's schema", async () => {
  const completion = await client.chat.completions.parse({
    model: "auto", messages: [{ role: "user", content: "What is the weather in Paris?" }], tools });
  const choice = completion.choices[0];
  assert.equal(choice.finish_reason, "tool_calls");
  const call = choice.message.tool_calls[0];
  assert.match(call.id, /^call_/);
  assert.equal(call.type, "function");
  assert.equal(call.function.name, "get_weather");
  assert.deepEqual(problems(weatherSchema, JSON.parse(call.function.arguments)), []);
  // strict tools are parsed by the SDK itself
  assert.deepEqual(call.function.parsed_arguments, JSON.parse(call.function.arguments));
});

test("a tool-result round trip ends with a text answer", async () => {
  const messages = [{ role: "user", content: "What is the weather in Paris?" }];
  const first = await client.chat.completions.create({ model: "budget", messages, tools });
  const message = first.choices[0].message;
  assert.equal(message.tool_calls.length, 1);
  messages.push(message);
  for (const call of message.tool_calls) {
    messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify({ temperature: 21, unit: "celsius" }) });
  }
  const second = await client.chat.completions.create({ model: "budget", messages, tools });
  assert.equal(second.choices[0].finish_reason, "stop");
  assert.ok(second.choices[0].message.content.length > 0);
  assert.equal(second.choices[0].message.tool_calls ?? undefined, undefined);
});

test("n = 2 gives two choices, and usage counts both", async () => {
  const messages = [{ role: "user", content: "Name a colour" }];
  const one = await client.chat.completions.create({ model: "qwen3-8b", messages, max_tokens: 8 });
  const two = await client.chat.completions.create({ model: "qwen3-8b", messages, max_tokens: 8, n: 2 });
  assert.deepEqual(two.choices.map((c) => c.index), [0, 1]);
  assert.notEqual(two.choices[0].message.content, two.choices[1].message.content);
  assert.equal(two.usage.completion_tokens, 2 * one.usage.completion_tokens);
});

test("logprobs come with top_logprobs, whole and streamed", async () => {
  const params = { model: "hunyuan-turbos", messages: [{ role: "user", content: "hi" }], max_tokens: 5, logprobs: true, top_logprobs: 3 };
  const completion = await client.chat.completions.create(params);
  const entries = completion.choices[0].logprobs.content;
  assert.equal(entries.map((e) => e.token).join(""), completion.choices[0].message.content);
  for (const entry of entries) {
    assert.ok(entry.logprob < 0);
    assert.equal(entry.top_logprobs.length, 3);
    assert.deepEqual(entry.bytes, [...Buffer.from(entry.token, "utf8")]);
  }
  let streamed = 0;
  for await (const chunk of await client.chat.completions.create({ ...params, stream: true })) {
    streamed += chunk.choices[0]?.logprobs?.content?.length ?? 0;
  }
  assert.equal(streamed, entries.length);
});

test("streamed tool-call deltas are reassembled by the SDK's stream helper", async () => {
  const stream = client.chat.completions.stream({
    model: "doubao-seed-lite", messages: [{ role: "user", content: "Use get_weather for Oslo" }], tools, stream: true });
  const done = [];
  let deltas = 0;
  stream.on("tool_calls.function.arguments.delta", () => deltas++);
  stream.on("tool_calls.function.arguments.done", (event) => done.push(event));
  const final = await stream.finalChatCompletion();
  const call = final.choices[0].message.tool_calls[0];
  assert.equal(final.choices[0].finish_reason, "tool_calls");
  assert.match(call.id, /^call_/);
  assert.equal(call.function.name, "get_weather");
  assert.deepEqual(problems(weatherSchema, JSON.parse(call.function.arguments)), []);
  assert.ok(deltas > 1, `arguments came in ${deltas} deltas`);
  assert.equal(done.length, 1);
  assert.equal(done[0].arguments, call.function.arguments);
});

test("every dialect streams through the SDK loop: choices on every chunk unless usage was asked for", async () => {
  // compact, deepseek, openai, pretty (sends usage unasked), final-chunk-usage, crlf-events
  for (const model of ["qwen3-8b", "deepseek-v4-flash", "hunyuan-turbos", "step-3.5-flash", "kimi-k2.5", "doubao-seed-lite"]) {
    const messages = [{ role: "user", content: "Say hello" }];
    let text = "";
    for await (const chunk of await client.chat.completions.create({ model, messages, max_tokens: 6, stream: true })) {
      assert.ok(chunk.choices.length > 0, `${model}: a chunk without choices: ${JSON.stringify(chunk)}`);
      text += chunk.choices[0].delta.content ?? "";
    }
    assert.ok(text.length > 0, model);
    let usage = null;
    for await (const chunk of await client.chat.completions.create({
      model, messages, max_tokens: 6, stream: true, stream_options: { include_usage: true } })) {
      usage = chunk.usage ?? usage;
    }
    assert.ok(usage?.completion_tokens === 6, `${model}: ${JSON.stringify(usage)}`);
  }
});

test("a bad request gets the provider's 400 with its param", async () => {
  await assert.rejects(
    client.chat.completions.create({ model: "qwen3-8b", messages: [{ role: "user", content: "x" }], n: 500 }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === "n");
  await assert.rejects(
    client.chat.completions.create({
      model: "qwen3-8b", messages: [{ role: "user", content: "x" }], tools,
      tool_choice: { type: "function", function: { name: "not_a_tool" } } }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === "tool_choice");
});
