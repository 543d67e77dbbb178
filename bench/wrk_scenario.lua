-- wrk_scenario.lua: one request generator for every scenario of bench/run.py.
--
-- Driven by environment variables:
--   BENCH_METHOD   HTTP method (default GET)
--   BENCH_PATH     path and query; "{n}" becomes 1..BENCH_ROTATE in turn
--   BENCH_BODY     request body ("" = none); may hold "{n}" and "{u}"
--   BENCH_HEADERS  extra headers, one "Name: value" per line (Cookie, Content-Type,
--                  If-None-Match, Origin ...)
--   BENCH_ROTATE   how many distinct {n} values (default 1)
--   BENCH_RUN      a token unique to this wrk run; "{u}" becomes RUN-THREAD-COUNTER, so no
--                  two requests of any run carry the same "{u}"
--   BENCH_LABEL    copied into the result line
--
-- Requests without "{u}" are built once in init(), so request() costs nothing; with "{u}"
-- each request is formatted on the fly. done() prints one line:
--   BENCHJSON {"rps": ..., "lat_p50_us": ..., "non_2xx_3xx": ..., ...}
-- Latencies are in microseconds. wrk counts a response with a status above 399 in
-- errors.status, reported here as non_2xx_3xx.

local method = os.getenv("BENCH_METHOD") or "GET"
local path_t = os.getenv("BENCH_PATH") or "/"
local body_t = os.getenv("BENCH_BODY") or ""
local header_t = os.getenv("BENCH_HEADERS") or ""
local rotate = math.max(1, tonumber(os.getenv("BENCH_ROTATE") or "1") or 1)
local run = os.getenv("BENCH_RUN") or "run"
local label = os.getenv("BENCH_LABEL") or ""

local thread_no = 0
function setup(thread)
   thread_no = thread_no + 1
   thread:set("thread_id", thread_no)
end

local function subst(s, n, u)
   s = s:gsub("{n}", function() return n end)
   if u then s = s:gsub("{u}", function() return u end) end
   return s
end

local headers = {}
for line in header_t:gmatch("[^\n]+") do
   local name, value = line:match("^%s*([^:]+):%s*(.-)%s*$")
   if name then headers[name] = value end
end

local unique = body_t:find("{u}", 1, true) or path_t:find("{u}", 1, true)
if not path_t:find("{n}", 1, true) and not body_t:find("{n}", 1, true) then rotate = 1 end
local prebuilt = {}
local idx = 0
local counter = 0

function init(args)
   if unique then return end
   for i = 1, rotate do
      local n = tostring(i)
      local body = nil
      if body_t ~= "" then body = subst(body_t, n) end
      prebuilt[i] = wrk.format(method, subst(path_t, n), headers, body)
   end
end

function request()
   idx = idx % rotate + 1
   if not unique then return prebuilt[idx] end
   counter = counter + 1
   local n = tostring(idx)
   local u = run .. "-" .. tostring(thread_id or 0) .. "-" .. tostring(counter)
   local body = nil
   if body_t ~= "" then body = subst(body_t, n, u) end
   return wrk.format(method, subst(path_t, n, u), headers, body)
end

function done(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   local function p(q) return math.floor(latency:percentile(q)) end
   io.write(string.format(
      'BENCHJSON {"label":"%s","requests":%d,"duration_s":%.3f,"rps":%.2f,"bytes":%d,' ..
      '"lat_mean_us":%.1f,"lat_p50_us":%d,"lat_p90_us":%d,"lat_p99_us":%d,"lat_max_us":%d,' ..
      '"err_connect":%d,"err_read":%d,"err_write":%d,"err_timeout":%d,"non_2xx_3xx":%d}\n',
      label, summary.requests, secs, summary.requests / secs, summary.bytes,
      latency.mean, p(50), p(90), p(99), math.floor(latency.max),
      e.connect, e.read, e.write, e.timeout, e.status))
end
