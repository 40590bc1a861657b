-- Console pages as an admin's browser asks for them: GET of the paths in $CONSOLE_PATHS (one per
-- line), in order and round again, with the session cookie $CONSOLE_COOKIE. Prints one RESULT line
-- with p95 (the issue's target) beside p50 and p99.
local paths = {}
local i = 0
local cookie = os.getenv("CONSOLE_COOKIE")

function init(args)
  for line in io.lines(os.getenv("CONSOLE_PATHS")) do
    paths[#paths + 1] = wrk.format("GET", line, {
      ["Cookie"] = "gh_session=" .. cookie,
      ["Accept"] = "text/html",
    })
  end
  i = math.random(0, #paths - 1)
end

function request()
  i = i % #paths + 1
  return paths[i]
end

function done(summary, latency, requests_)
  local non2xx = summary.errors.status
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d non2xx=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests, non2xx, errors))
end
