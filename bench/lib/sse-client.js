#!/usr/bin/env node
// Streaming (SSE) measurement client: CONCURRENCY workers, each on its own keep-alive connection,
// send streaming chat requests back to back for SECONDS and time, per request, the first body byte
// (TTFB) and the gap between consecutive SSE events ("data: ..." blocks) as they arrive. Prints JSON:
// { streams, errors, events, ttfb_us{p50,p90,p99,p999,max}, gap_us{...}, events_per_stream }.
// Latency is measured from the moment the request is written, on process.hrtime.
// usage: sse-client.js URL CONCURRENCY SECONDS BODY_FILE [header:value ...]
'use strict';
const http = require('http');
const fs = require('fs');
const [url, concStr, secsStr, bodyFile, ...hdrArgs] = process.argv.slice(2);
const conc = Number(concStr), secs = Number(secsStr);
const body = fs.readFileSync(bodyFile);
const u = new URL(url);
const headers = { 'content-type': 'application/json', accept: 'text/event-stream', 'content-length': body.length };
for (const h of hdrArgs) { const i = h.indexOf(':'); headers[h.slice(0, i).trim()] = h.slice(i + 1).trim(); }
const agent = new http.Agent({ keepAlive: true, maxSockets: conc });
const now = () => Number(process.hrtime.bigint() / 1000n); // µs

const ttfb = [], gaps = [], eventsPerStream = [];
let streams = 0, errors = 0, badStatus = 0, incomplete = 0;
const errorSamples = [];
const deadline = Date.now() + secs * 1000;

function one() {
  return new Promise((resolve) => {
    const t0 = now();
    let first = -1, last = -1, buf = '', events = 0, done = false;
    const req = http.request({ agent, host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers }, (res) => {
      if (res.statusCode !== 200) { badStatus++; res.resume(); res.on('end', resolve); return; }
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const t = now();
        if (first < 0) { first = t; ttfb.push(t - t0); }
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const ev = buf.slice(0, i); buf = buf.slice(i + 2);
          if (!ev.startsWith('data:')) continue;
          if (ev.startsWith('data: [DONE]')) { done = true; continue; }
          if (last >= 0) gaps.push(t - last);
          last = t; events++;
        }
      });
      res.on('end', () => { streams++; eventsPerStream.push(events); if (!done) incomplete++; resolve(); });
      res.on('error', (e) => { errors++; if (errorSamples.length < 5) errorSamples.push(String(e)); resolve(); });
    });
    req.on('error', (e) => { errors++; if (errorSamples.length < 5) errorSamples.push(String(e)); resolve(); });
    req.setTimeout(60000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

async function worker() { while (Date.now() < deadline) await one(); }

function stats(xs) {
  if (!xs.length) return null;
  xs.sort((a, b) => a - b);
  const p = (q) => xs[Math.min(xs.length - 1, Math.ceil(q / 100 * xs.length) - 1)];
  return { n: xs.length, mean: Math.round(xs.reduce((a, b) => a + b, 0) / xs.length), p50: p(50), p90: p(90), p99: p(99), p999: p(99.9), max: xs[xs.length - 1] };
}

(async () => {
  const t0 = Date.now();
  await Promise.all(Array.from({ length: conc }, worker));
  agent.destroy();
  const wall = (Date.now() - t0) / 1000;
  const eps = stats(eventsPerStream.slice());
  process.stdout.write(JSON.stringify({
    concurrency: conc, duration_s: wall, streams, streams_per_s: +(streams / wall).toFixed(1),
    requests: streams, errors: { socket: errors, status: badStatus, incomplete }, error_samples: errorSamples,
    events: gaps.length + eventsPerStream.length, events_per_stream: eps && { p50: eps.p50, min: eventsPerStream.length ? Math.min(...eventsPerStream) : 0 },
    ttfb_us: stats(ttfb), gap_us: stats(gaps),
  }) + '\n');
})();
