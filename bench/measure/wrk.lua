-- wrk script: sends the catalogue request described by the environment and writes wrk's own
-- figures as JSON to $WRK_JSON (the orchestrator reads that file, never wrk's text output).
--   WRK_METHOD, WRK_BODY (a fixture file's path), WRK_HEADERS ("name: value" lines), WRK_JSON
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
if body and body ~= "" then
  local f = assert(io.open(body, "rb"))
  wrk.body = f:read("*a")
  f:close()
end
for line in (os.getenv("WRK_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end

function done(summary, latency, requests)
  local e = summary.errors
  local p = function(q) return latency:percentile(q) end
  local out = assert(io.open(os.getenv("WRK_JSON"), "w"))
  out:write(string.format(
    '{"requests":%d,"durationUs":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"mean":%f,"max":%d,"p50":%d,"p90":%d,"p95":%d,"p99":%d}}',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max, p(50), p(90), p(95), p(99)))
  out:close()
end
