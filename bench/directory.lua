-- wrk script for bench/run.sh: rotates a list of paths, one per request, round-robin.
-- The paths are given after `--`; without any, it rotates a mix of public directory
-- searches (HTML /centres and JSON /api/v1/centres). No cookies kept; with BENCH_COOKIE set
-- in the environment, every request sends it (a signed-in session, for the signed-in groups).
--
--   wrk -t2 -c16 -d10s -s bench/directory.lua http://127.0.0.1:PORT
--   wrk ... -s bench/directory.lua http://127.0.0.1:PORT -- '/centres?q=darul' '/centres?q=nurul'
--   wrk ... -s bench/directory.lua http://127.0.0.1:PORT -- /          (one path only)
--
-- done() prints one line that run.sh parses:
--   WRK_RESULT p50_us=.. p90_us=.. p99_us=.. max_us=.. mean_us=.. rps=.. requests=.. ...

local paths = {
  "/centres?q=darul",
  "/centres?province=35",
  "/centres?province=32&kejuruan=menjahit",
  "/centres?q=al-hikmah&status=aktif",
  "/centres?regency=33.74",
  "/api/v1/centres?q=nurul&page=2",
  "/api/v1/centres?province=36",
}

-- Each wrk thread has its own Lua state; give each a different starting point.
local thread_count = 0
function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

local counter = 0
function init(args)
  local given = {}
  for _, p in ipairs(args) do
    if p ~= "" then given[#given + 1] = p end
  end
  if #given > 0 then paths = given end
  local cookie = os.getenv("BENCH_COOKIE")
  if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
  counter = (thread_index or 0) * 3
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "WRK_RESULT p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f mean_us=%.1f"
      .. " rps=%.1f requests=%d duration_s=%.3f"
      .. " err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean,
    summary.requests / seconds, summary.requests, seconds,
    e.connect, e.read, e.write, e.status, e.timeout))
end
