// The official Anthropic Node SDK against Meridian's embedded default, pointed as a coding agent points
// it (ANTHROPIC_BASE_URL = the router, the demo key as the API key). Messages are translated to the
// catalog's chat-completions upstreams and back.
import test from "node:test";
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";

const BASE = process.env.MERIDIAN_URL;
const SIM = process.env.MERIDIAN_SIM_URL;
const RESTRICTED = process.env.MERIDIAN_RESTRICTED_KEY;
const client = new Anthropic({ baseURL: BASE, apiKey: "sk-meridian-demo-key", maxRetries: 0 });
const ask = [{ role: "user", content: "Say hello in five words" }];
const FLASH = "deepseek-v4-flash";

test("messages.create answers a message with the client's model, text, a stop reason and usage", async () => {
  const message = await client.messages.create({ model: FLASH, max_tokens: 64, messages: ask });
  assert.match(message.id, /^msg_/);
  assert.equal(message.type, "message");
  assert.equal(message.role, "assistant");
  assert.equal(message.model, FLASH);
  assert.equal(message.content[0].type, "text");
  assert.ok(message.content[0].text.length > 0);
  assert.ok(["end_turn", "max_tokens"].includes(message.stop_reason), message.stop_reason);
  assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0, JSON.stringify(message.usage));
});

test("messages.stream delivers text deltas and a final message that agrees with them", async () => {
  const stream = client.messages.stream({ model: "budget", max_tokens: 64, messages: ask });
  let streamed = "";
  stream.on("text", (delta) => { streamed += delta; });
  const final = await stream.finalMessage();
  assert.ok(streamed.length > 0);
  assert.equal(final.content[0].text, streamed);
  assert.equal(final.model, "budget");
  assert.ok(final.usage.output_tokens > 0);
});

test("a system prompt as blocks with cache_control is accepted", async () => {
  const message = await client.messages.create({
    model: FLASH, max_tokens: 32, messages: ask,
    system: [{ type: "text", text: "You are terse." }, { type: "text", text: "Answer in English.", cache_control: { type: "ephemeral" } }],
  });
  assert.equal(message.content[0].type, "text");
  assert.ok(message.usage.input_tokens > 0);
});

// The simulated providers answer tool requests with text (they do not call tools themselves), so the
// round trip's tool_use turn is the agent's history: tools offered, the assistant's tool_use, the user's
// tool_result, then the model's text answer. Each upstream validates the chat-completions messages
// the blocks became (assistant tool_calls, then a role tool message).
const tools = [{ name: "read_file", description: "Reads a file", input_schema: { type: "object", properties: { path: { type: "string" } } } }];
const history = [
  { role: "user", content: "What is in notes.txt?" },
  { role: "assistant", content: [
    { type: "text", text: "Let me read it." },
    { type: "tool_use", id: "toolu_01", name: "read_file", input: { path: "notes.txt" } }] },
  { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01", content: [{ type: "text", text: "buy milk" }] }] },
];

test("a tool_use round trip: tool_use and tool_result in the history, then text", async () => {
  const message = await client.messages.create({ model: FLASH, max_tokens: 64, tools, tool_choice: { type: "auto" }, messages: history });
  assert.equal(message.content.at(-1).type, "text");
  assert.ok(message.content.at(-1).text.length > 0);
});

test("the same round trip streamed, with parallel tool use disabled", async () => {
  const stream = client.messages.stream({
    model: FLASH, max_tokens: 64, tools, tool_choice: { type: "auto", disable_parallel_tool_use: true }, messages: history });
  const final = await stream.finalMessage();
  assert.equal(final.content.at(-1).type, "text");
  assert.ok((await stream.finalText()).length > 0);
});

test("thinking on a reasoning model comes back as a thinking block before the text", async () => {
  const stream = client.messages.stream({
    model: "kimi-k2.5", max_tokens: 1100, thinking: { type: "enabled", budget_tokens: 1024 }, messages: ask });
  let thinking = "";
  stream.on("thinking", (delta) => { thinking += delta; });
  const final = await stream.finalMessage();
  assert.deepEqual(final.content.map((block) => block.type), ["thinking", "text"]);
  assert.equal(final.content[0].thinking, thinking);
  assert.ok(thinking.length > 0);
});

test("countTokens answers Meridian's estimate", async () => {
  const short = await client.messages.countTokens({ model: FLASH, messages: ask });
  const long = await client.messages.countTokens({ model: FLASH, system: "x".repeat(4000), messages: ask });
  assert.ok(short.input_tokens > 0);
  assert.ok(long.input_tokens >= short.input_tokens + 1000, `${short.input_tokens} -> ${long.input_tokens}`);
});

test("models.list and models.retrieve in Anthropic's shape", async () => {
  const ids = [];
  for await (const model of client.models.list()) {
    assert.equal(model.type, "model");
    ids.push(model.id);
  }
  assert.ok(ids.includes("auto") && ids.includes(FLASH), ids.join(","));
  assert.equal((await client.models.retrieve(FLASH)).id, FLASH);
  await assert.rejects(client.models.retrieve("no-such-model"), (e) => e instanceof Anthropic.NotFoundError);
});

test("an image to a model without vision is a 400 in Anthropic's error shape", async () => {
  const image = { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } };
  await assert.rejects(
    client.messages.create({ model: FLASH, max_tokens: 16, messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, image] }] }),
    (e) => e instanceof Anthropic.BadRequestError && e.error?.type === "error" && e.error?.error?.type === "invalid_request_error"
      && e.error.error.message.startsWith("messages[0].content[1]"));
});

test("the model names Claude Code sends reach coding models through the catalog's aliases", async () => {
  const { data: haiku, response } = await client.messages
    .create({ model: "claude-haiku-4-5-20251001", max_tokens: 32, messages: ask }).withResponse();
  assert.equal(haiku.model, "claude-haiku-4-5-20251001");
  assert.match(response.headers.get("x-meridian-route-reason"), /^alias=claude-\*haiku\*/);
  const served = response.headers.get("x-meridian-model");
  const info = await client.models.retrieve(served);
  assert.ok(info.meridian.capabilities.includes("code"), `${served} is a coding model`);
  assert.equal(info.meridian.tier, "budget");
  // The main loop's name, streamed with tools, as an agent sends it.
  const stream = client.messages.stream({
    model: "claude-sonnet-4-5-20250929", max_tokens: 64, tools, tool_choice: { type: "auto" }, messages: history });
  const final = await stream.finalMessage();
  assert.equal(final.model, "claude-sonnet-4-5-20250929");
  assert.equal(final.content.at(-1).type, "text");
  const alias = await client.models.retrieve("claude-sonnet-4-5-20250929");
  assert.equal(alias.meridian.kind, "alias");
  assert.equal(alias.meridian.alias, "claude-*sonnet*");
});

test("an unknown model (a name no alias matches) is a NotFoundError", async () => {
  await assert.rejects(
    client.messages.create({ model: "claude-instant-1", max_tokens: 16, messages: ask }),
    (e) => e instanceof Anthropic.NotFoundError && e.error?.error?.type === "not_found_error");
});

test("a wrong key is an AuthenticationError in Anthropic's shape", async () => {
  const stranger = new Anthropic({ baseURL: BASE, apiKey: "sk-not-a-meridian-key", maxRetries: 0 });
  await assert.rejects(
    stranger.messages.create({ model: FLASH, max_tokens: 16, messages: ask }),
    (e) => e instanceof Anthropic.AuthenticationError && e.error?.error?.type === "authentication_error");
});

test("a key restricted to another model gets a PermissionDeniedError", { skip: RESTRICTED ? false : "MERIDIAN_RESTRICTED_KEY is not set" }, async () => {
  const restricted = new Anthropic({ baseURL: BASE, apiKey: RESTRICTED, maxRetries: 0 });
  assert.equal((await restricted.messages.create({ model: FLASH, max_tokens: 16, messages: ask })).model, FLASH);
  await assert.rejects(
    restricted.messages.create({ model: "kimi-k2.5", max_tokens: 16, messages: ask }),
    (e) => e instanceof Anthropic.PermissionDeniedError && e.error?.error?.type === "permission_error");
});

async function fault(region, spec) {
  const url = `${SIM}/admin/faults/${FLASH}/${region}`;
  const response = spec ? await fetch(url, { method: "PUT", body: JSON.stringify(spec) }) : await fetch(url, { method: "DELETE" });
  assert.ok(response.ok, `${url} -> ${response.status}`);
}

/** The region that serves FLASH now, from Meridian's route header. */
async function servingRegion() {
  const { response } = await client.messages.create({ model: FLASH, max_tokens: 8, messages: ask }).withResponse();
  return response.headers.get("x-meridian-region");
}

test("failover: the preferred endpoint down, the stream still arrives from another region", { skip: SIM ? false : "MERIDIAN_SIM_URL is not set" }, async () => {
  const preferred = await servingRegion();
  await fault(preferred, { down: true });
  try {
    const { data: stream, response } = await client.messages.create({ model: FLASH, max_tokens: 32, messages: ask, stream: true }).withResponse();
    const types = [];
    for await (const event of stream) {
      types.push(event.type);
    }
    assert.notEqual(response.headers.get("x-meridian-region"), preferred);
    assert.equal(types[0], "message_start");
    assert.equal(types.at(-1), "message_stop");
  } finally {
    await fault(preferred);
  }
});

test("a provider failing mid-stream ends the SDK's stream with an APIError of type api_error", { skip: SIM ? false : "MERIDIAN_SIM_URL is not set" }, async () => {
  // Every region: which one ranks first can change between two requests as probes come in.
  const regions = ["us-east", "eu-west", "ap-southeast"];
  for (const region of regions) {
    await fault(region, { resetAfterChunks: 3 });
  }
  try {
    const stream = client.messages.stream({ model: FLASH, max_tokens: 64, messages: ask });
    let text = "";
    stream.on("text", (delta) => { text += delta; });
    await assert.rejects(stream.finalMessage(), (e) => e instanceof Anthropic.APIError && e.error?.error?.type === "api_error");
    assert.ok(text.length > 0, "the stream had begun");
  } finally {
    for (const region of regions) {
      await fault(region);
    }
  }
});

test("past a key's requests per minute the SDK gets a RateLimitError in Anthropic's shape, with retry-after", async () => {
  // run.sh's limited key: 3 requests a minute, so the fourth inside the minute is refused.
  const limited = new Anthropic({ baseURL: BASE, apiKey: process.env.MERIDIAN_LIMITED_KEY, maxRetries: 0 });
  let refused = null;
  let answered = 0;
  for (let i = 0; i < 6 && !refused; i++) {
    try {
      await limited.messages.create({ model: "budget", max_tokens: 8, messages: ask });
      answered++;
    } catch (e) {
      refused = e;
    }
  }
  assert.ok(refused instanceof Anthropic.RateLimitError, `expected a RateLimitError, got ${refused}`);
  assert.equal(answered, 3, "the key's three requests of the minute were answered first");
  assert.equal(refused.error?.type, "error");
  assert.equal(refused.error?.error?.type, "rate_limit_error");
  assert.ok(Number(refused.headers?.get?.("retry-after") ?? refused.headers?.["retry-after"]) > 0);
});
