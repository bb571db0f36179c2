// responses.create and completions.create with the official OpenAI Node SDK against the embedded default:
// Responses JSON and streamed (text, a function call round trip, json_schema output), legacy completions
// JSON and streamed, each through failover (the answering region's endpoint down), a key that may not use
// the model (403) and malformed input (400 naming the param).
import test from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";

const baseURL = `${process.env.MERIDIAN_URL}/v1`;
const client = new OpenAI({ baseURL, apiKey: "sk-meridian-demo-key", maxRetries: 0 });
const model = "deepseek-v4-flash";
const weatherTool = {
  type: "function",
  name: "weather",
  description: "Current weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
  strict: true,
};

async function fault(region, spec) {
  const url = `${process.env.MERIDIAN_SIM_URL}/admin/faults/${model}/${region}`;
  const answer = spec
    ? await fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(spec) })
    : await fetch(url, { method: "DELETE" });
  assert.ok(answer.ok, `fault ${region}: ${answer.status}`);
}

/** Runs `call` with the region that answered `probe` down; asserts another region answered. */
async function withAnsweringRegionDown(t, probe, call) {
  if (!process.env.MERIDIAN_SIM_URL) {
    t.skip("MERIDIAN_SIM_URL unset (run through sdk-tests/run.sh)");
    return;
  }
  const region = (await probe().withResponse()).response.headers.get("x-meridian-region");
  assert.ok(region, "x-meridian-region header");
  await fault(region, { down: true });
  try {
    const again = await call().withResponse();
    assert.notEqual(again.response.headers.get("x-meridian-region"), region);
    return again.data;
  } finally {
    await fault(region, null);
  }
}

test("responses.create answers with output_text, the model asked for and usage", async () => {
  const response = await client.responses.create({ model, instructions: "Be brief.", input: "Explain recursion", max_output_tokens: 40 });
  assert.match(response.id, /^resp_/);
  assert.equal(response.object, "response");
  assert.equal(response.model, model);
  assert.ok(response.output_text.length > 0, "the SDK's output_text");
  assert.equal(response.usage.output_tokens, 40);
  assert.ok(response.usage.input_tokens > 0);
  assert.equal(response.status, "incomplete", "the simulator wrote up to max_output_tokens");
  assert.equal(response.incomplete_details.reason, "max_output_tokens");
});

test("a streamed response is reassembled by the SDK's stream helper and ends with the whole response", async () => {
  // No budget: the simulator ends its answer itself (finish_reason stop), so the stream ends with
  // response.completed, whose response the helper takes as final (response.incomplete it does not).
  const stream = client.responses.stream({ model, input: "Explain recursion" });
  let deltas = "";
  stream.on("response.output_text.delta", (event) => { deltas += event.delta; });
  const final = await stream.finalResponse();
  assert.ok(deltas.length > 0);
  // The stream helper's final response has no output_text convenience (it does not against OpenAI either).
  const text = final.output.filter((item) => item.type === "message").flatMap((item) => item.content).map((part) => part.text).join("");
  assert.equal(text, deltas);
  assert.equal(final.status, "completed");
  assert.ok(final.usage.output_tokens > 0);

  const raw = await client.responses.create({ model, input: "hi", max_output_tokens: 8, stream: true });
  const types = [];
  for await (const event of raw) types.push(event.type);
  assert.equal(types[0], "response.created");
  assert.ok(types.includes("response.output_item.added") && types.includes("response.output_text.done"));
  assert.ok(["response.completed", "response.incomplete"].includes(types.at(-1)));
});

test("a function call round trip: the call, then its output sent back, ends with a text answer", async () => {
  const first = await client.responses.create({ model, tools: [weatherTool], tool_choice: "required", input: "Weather in Oslo?" });
  const call = first.output.find((item) => item.type === "function_call");
  assert.ok(call, "a function_call item");
  assert.equal(call.name, "weather");
  assert.equal(typeof JSON.parse(call.arguments).city, "string");
  const second = await client.responses.create({
    model,
    tools: [weatherTool],
    input: [{ role: "user", content: "Weather in Oslo?" }, call,
      { type: "function_call_output", call_id: call.call_id, output: JSON.stringify({ temperature: 4 }) }],
  });
  assert.equal(second.output[0].type, "message");
  assert.ok(second.output_text.length > 0);
});

test("a streamed function call arrives as argument deltas the SDK assembles", async () => {
  const stream = client.responses.stream({ model, tools: [weatherTool], tool_choice: "required", input: "Weather in Oslo?" });
  let fragments = "";
  stream.on("response.function_call_arguments.delta", (event) => { fragments += event.delta; });
  const final = await stream.finalResponse();
  const call = final.output.find((item) => item.type === "function_call");
  assert.equal(call.arguments, fragments);
  assert.equal(typeof JSON.parse(call.arguments).city, "string");
});

test("text.format json_schema gives output_text valid for the schema", async () => {
  const response = await client.responses.create({
    model,
    input: "A city and its population",
    text: { format: { type: "json_schema", name: "city", strict: true, schema: {
      type: "object", additionalProperties: false, required: ["city", "population"],
      properties: { city: { type: "string" }, population: { type: "integer" } } } } },
  });
  const city = JSON.parse(response.output_text);
  assert.equal(typeof city.city, "string");
  assert.ok(Number.isInteger(city.population));
});

test("responses fail over: the answering region's endpoint down, another region answers (JSON and streamed)", async (t) => {
  const json = await withAnsweringRegionDown(t,
    () => client.responses.create({ model, input: "hi", max_output_tokens: 8 }),
    () => client.responses.create({ model, input: "hi again", max_output_tokens: 8 }));
  if (json) assert.ok(json.output_text.length > 0);
  const streamed = await withAnsweringRegionDown(t,
    () => client.responses.create({ model, input: "hi", max_output_tokens: 8 }),
    () => client.responses.create({ model, input: "hi", max_output_tokens: 8, stream: true }));
  if (streamed) {
    const types = [];
    for await (const event of streamed) types.push(event.type);
    assert.ok(["response.completed", "response.incomplete"].includes(types.at(-1)));
  }
});

test("completions.create answers a text_completion, JSON and streamed", async () => {
  const completion = await client.completions.create({ model, prompt: "Say hello", max_tokens: 12 });
  assert.equal(completion.object, "text_completion");
  assert.ok(completion.choices[0].text.length > 0);
  assert.equal(completion.usage.completion_tokens, 12);
  const stream = await client.completions.create({ model, prompt: "Say hello", max_tokens: 12, stream: true,
    stream_options: { include_usage: true } });
  let text = "";
  let usage = null;
  for await (const chunk of stream) {
    if (chunk.choices.length > 0) text += chunk.choices[0].text;
    if (chunk.usage) usage = chunk.usage;
  }
  assert.ok(text.length > 0);
  assert.equal(usage.completion_tokens, 12);
});

test("completions fail over: the answering region's endpoint down, another region answers", async (t) => {
  const completion = await withAnsweringRegionDown(t,
    () => client.completions.create({ model, prompt: "hi", max_tokens: 4 }),
    () => client.completions.create({ model, prompt: "hi again", max_tokens: 4 }));
  if (completion) assert.ok(completion.choices[0].text.length > 0);
});

test("a key that may not use the model gets a PermissionDeniedError (403) on both surfaces", async (t) => {
  if (!process.env.MERIDIAN_RESTRICTED_KEY) {
    t.skip("MERIDIAN_RESTRICTED_KEY unset (run through sdk-tests/run.sh)");
    return;
  }
  const restricted = new OpenAI({ baseURL, apiKey: process.env.MERIDIAN_RESTRICTED_KEY, maxRetries: 0 });
  assert.ok((await restricted.responses.create({ model, input: "hi", max_output_tokens: 4 })).output_text.length > 0);
  const denied = (error) => error instanceof OpenAI.PermissionDeniedError && error.status === 403;
  await assert.rejects(restricted.responses.create({ model: "kimi-k2.5", input: "hi" }), denied);
  await assert.rejects(restricted.completions.create({ model: "kimi-k2.5", prompt: "hi" }), denied);
});

test("malformed input is a BadRequestError naming the param on both surfaces", async () => {
  const bad = (param) => (error) => error instanceof OpenAI.BadRequestError && error.status === 400 && error.param === param;
  await assert.rejects(client.responses.create({ model, input: [] }), bad("input"));
  await assert.rejects(client.responses.create({ model, input: "hi", store: true }), bad("store"));
  await assert.rejects(client.responses.create({ model, input: "hi", previous_response_id: "resp_1" }), bad("previous_response_id"));
  await assert.rejects(client.responses.create({ model, input: "hi", tools: [{ type: "web_search" }] }), bad("tools[0].type"));
  await assert.rejects(client.completions.create({ model, prompt: [[1, 2, 3]] }), bad("prompt"));
  await assert.rejects(client.completions.create({ model, prompt: "hi", best_of: 3 }), bad("best_of"));
});
