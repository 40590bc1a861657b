-- wrk script: forward-auth requests as Traefik sends them (to the URL's path), rotating the session cookie over many
-- logged-in users and X-Forwarded-Host over every app. Requests are built once per thread in init()
-- so the load generator spends its share of the 2 cores on sending, not on string building.
--   env BENCH_COOKIES: file with one gh_session value per line
--   env BENCH_HOSTS:   file with one app host per line
local requests = {}
local n = 0
local i = 0

local function lines(path)
  local t = {}
  for line in io.lines(path) do
    if #line > 0 then t[#t + 1] = line end
  end
  return t
end

local paths = { "/", "/assets/index-4f9c2a.js", "/api/v1/items?page=2", "/thumbnail/8812.webp",
  "/assets/style-91be.css", "/api/v1/me" }

function init(args)
  local cookies = lines(os.getenv("BENCH_COOKIES"))
  local hosts = lines(os.getenv("BENCH_HOSTS"))
  local count = math.max(#cookies, #hosts) * 2
  local offset = math.random(1, 997)
  for k = 1, count do
    local c = cookies[(k * 7 + offset) % #cookies + 1]
    local h = hosts[(k + offset) % #hosts + 1]
    local p = paths[k % #paths + 1]
    n = n + 1
    requests[n] = wrk.format("GET", wrk.path, {
      ["X-Forwarded-Method"] = "GET",
      ["X-Forwarded-Proto"] = "https",
      ["X-Forwarded-Host"] = h,
      ["X-Forwarded-Uri"] = p,
      ["X-Forwarded-For"] = "203.0.113." .. (k % 250 + 1),
      ["Cookie"] = "gh_csrf=x; gh_session=" .. c,
      ["Accept"] = "*/*",
    })
  end
end

function request()
  i = i % n + 1
  return requests[i]
end

function done(summary, latency, requests_)
  local non2xx = summary.errors.status
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d non2xx=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests, non2xx, errors))
end
