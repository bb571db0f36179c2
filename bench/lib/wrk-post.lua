-- wrk script: POSTs the JSON body in $BODY_FILE; optional extra headers ("name: value" lines) in
-- $EXTRA_HEADERS_FILE; at the end writes throughput, errors and latency percentiles (microseconds,
-- from wrk's histogram) as JSON to $WRK_JSON.
local function read_file(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

wrk.method = "POST"
wrk.body = read_file(os.getenv("BODY_FILE"))
wrk.headers["Content-Type"] = "application/json"
local extra = os.getenv("EXTRA_HEADERS_FILE")
if extra and extra ~= "" then
  for line in io.lines(extra) do
    local name, value = line:match("^%s*([^:]+):%s*(.-)%s*$")
    if name then wrk.headers[name] = value end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  local out = string.format(
    '{"requests":%d,"duration_s":%.3f,"rps":%.1f,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}',
    summary.requests, secs, summary.requests / secs, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max)
  local f = assert(io.open(os.getenv("WRK_JSON"), "w"))
  f:write(out, "\n")
  f:close()
end
