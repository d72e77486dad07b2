-- wrk script for bench/run.sh: rotates realistic public directory searches,
-- a mix of the HTML page (/centres) and the JSON API (/api/v1/centres).
-- No sign-in, no cookies kept between requests.
--
--   wrk -t2 -c16 -d10s -s bench/directory.lua http://127.0.0.1:PORT
--   wrk ... -s bench/directory.lua http://127.0.0.1:PORT -- '/centres?q=darul'   (one path only)
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
  if args[1] ~= nil and args[1] ~= "" then
    paths = { args[1] }
  end
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
