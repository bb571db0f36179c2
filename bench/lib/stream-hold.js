#!/usr/bin/env node
// Holds many long SSE streams open at once: opens STREAMS streaming chat requests, spread evenly over
// RAMP_S seconds, each on its own connection, reads them to the end and counts their events. Every
// second it appends a status line (JSON) to STATUS_FILE: seconds since start, streams opened, active
// (headers received, not ended), finished, failed, events so far. At the end it prints a summary (JSON)
// on stdout. Only talks to the URL it is given (loopback in bench/streams.sh).
// usage: stream-hold.js URL STREAMS RAMP_S BODY_FILE STATUS_FILE [header:value ...]
'use strict';
const http = require('http');
const fs = require('fs');
const [url, streamsStr, rampStr, bodyFile, statusFile, ...hdrArgs] = process.argv.slice(2);
const total = Number(streamsStr), rampMs = Number(rampStr) * 1000;
const body = fs.readFileSync(bodyFile);
const u = new URL(url);
const headers = { 'content-type': 'application/json', accept: 'text/event-stream', 'content-length': body.length };
for (const h of hdrArgs) { const i = h.indexOf(':'); headers[h.slice(0, i).trim()] = h.slice(i + 1).trim(); }
// One socket per stream, never reused: the point is N connections held open at once.
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

const t0 = Date.now();
let opened = 0, active = 0, finished = 0, failed = 0, events = 0, incomplete = 0, maxActive = 0;
const failures = {};
const firstByteMs = [], durationMs = [];

function fail(kind) {
  failed++;
  failures[kind] = (failures[kind] || 0) + 1;
}

function one() {
  return new Promise((resolve) => {
    const start = Date.now();
    let counted = false, done = false, tail = '';
    opened++;
    const req = http.request({ agent, host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers }, (res) => {
      if (res.statusCode !== 200) { fail('http_' + res.statusCode); res.resume(); res.on('end', resolve); return; }
      active++; counted = true; maxActive = Math.max(maxActive, active);
      firstByteMs.push(Date.now() - start);
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const text = tail + chunk;
        let from = 0, i;
        while ((i = text.indexOf('\n\n', from)) >= 0) {
          if (text.startsWith('data: [DONE]', from)) done = true;
          else if (text.startsWith('data:', from)) events++;
          from = i + 2;
        }
        tail = text.slice(from);
      });
      res.on('end', () => {
        active--; finished++; durationMs.push(Date.now() - start);
        if (!done) incomplete++;
        resolve();
      });
      res.on('error', (e) => { if (counted) active--; fail('stream_' + (e.code || 'error')); resolve(); });
    });
    req.on('error', (e) => { fail('socket_' + (e.code || 'error')); resolve(); });
    req.setTimeout(600000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    req.end(body);
  });
}

const status = () => fs.appendFileSync(statusFile, JSON.stringify({
  t: +((Date.now() - t0) / 1000).toFixed(1), opened, active, finished, failed, events }) + '\n');
const ticker = setInterval(status, 1000);

function pct(xs, q) {
  if (!xs.length) return null;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q / 100 * s.length) - 1)];
}

(async () => {
  const all = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (rampMs * i) / total;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    all.push(one());
  }
  await Promise.all(all);
  clearInterval(ticker);
  status();
  process.stdout.write(JSON.stringify({
    streams: total, finished, failed, failures, incomplete, max_active: maxActive, events,
    wall_s: (Date.now() - t0) / 1000,
    first_byte_ms: { p50: pct(firstByteMs, 50), p99: pct(firstByteMs, 99), max: pct(firstByteMs, 100) },
    duration_s: { p50: pct(durationMs, 50) / 1000, min: durationMs.length ? Math.min(...durationMs) / 1000 : null,
      max: pct(durationMs, 100) / 1000 },
  }) + '\n');
})();
