-- wrk script: sends the catalogue request described by the environment and writes wrk's own
-- figures as JSON to $WRK_JSON (the orchestrator reads that file, never wrk's text output).
--   WRK_METHOD, WRK_BODY (a fixture file's path), WRK_HEADERS ("name: value" lines), WRK_JSON
--   WRK_VARY (the catalogue's `vary`, when the request changes from one to the next):
--     unique-url   the body {"url":"<WRK_URL_PREFIX><thread>-<n>"}, a URL never sent before
-- Responses are never handed to Lua (no response() function): wrk counts them, and its own
-- figures are all it reports.
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

local vary = os.getenv("WRK_VARY") or ""
if vary == "unique-url" then
  local prefix = os.getenv("WRK_URL_PREFIX") or "https://example.com/gauntlet/wrk/"
  local threads = 0
  function setup(thread)
    threads = threads + 1
    thread:set("id", threads)
  end
  local n = 0
  function request()
    n = n + 1
    return wrk.format(nil, nil, nil, '{"url":"' .. prefix .. id .. "-" .. n .. '"}')
  end
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
