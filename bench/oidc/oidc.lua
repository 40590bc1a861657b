-- wrk script for the OIDC token path; one file, three modes (env BENCH_MODE):
--   cc          POST /oidc/token grant_type=client_credentials, client_secret_basic
--   introspect  POST /oidc/introspect of a pre-issued access token, client_secret_basic;
--               a response without "active":true is counted as bad
--   refresh     POST /oidc/token grant_type=refresh_token, client_secret_basic. Refresh tokens
--               rotate and are single-use, so each thread keeps a FIFO pool of live tokens: request()
--               takes one, response() puts back the one the answer carries. A connection has one
--               request in flight and wrk calls response() before that connection's next request(),
--               so every connection runs its own chain of refreshes. Tokens come from
--               env BENCH_REFRESH_IN (one per line, dealt round-robin to the threads); done() writes
--               the still-live ones to env BENCH_REFRESH_OUT for the next run. A request whose
--               answer never arrives (in flight when the run stops, timeout) loses its chain.
--   env BENCH_BASIC: the Authorization header value; BENCH_ACCESS_TOKEN for introspect;
--   env BENCH_TOKEN_PATH (default /oidc/token) and BENCH_CC_BODY (the client_credentials form) let
--   the same script load another provider's token endpoint (bench/oidc/keycloak.sh);
--   env BENCH_THREADS: wrk -t (to deal the pool)
local mode = os.getenv("BENCH_MODE")
local auth = os.getenv("BENCH_BASIC")
local headers = { ["Authorization"] = auth, ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Accept"] = "application/json" }
local token_path = os.getenv("BENCH_TOKEN_PATH") or "/oidc/token"
local fixed = nil
pool = {}         -- refresh: this thread's live tokens (global so done() can read it)
local head, tail = 1, 0
bad = 0           -- answers that were 200 but not what we wanted / chains lost to errors
starved = 0       -- refresh: request() found the pool empty
first_bad = ""    -- the first unexpected answer of this thread, printed by done()

local threads = {}
local nthreads = 0
function setup(thread)
  nthreads = nthreads + 1
  thread:set("id", nthreads - 1)
  threads[nthreads] = thread
end

function init(args)
  if mode == "cc" then
    fixed = wrk.format("POST", token_path, headers,
      os.getenv("BENCH_CC_BODY") or "grant_type=client_credentials&scope=bench.read")
  elseif mode == "introspect" then
    fixed = wrk.format("POST", "/oidc/introspect", headers,
      "token=" .. os.getenv("BENCH_ACCESS_TOKEN") .. "&token_type_hint=access_token")
  else
    local k, t = 0, tonumber(os.getenv("BENCH_THREADS"))
    for line in io.lines(os.getenv("BENCH_REFRESH_IN")) do
      if #line > 0 then
        if k % t == id then tail = tail + 1; pool[tail] = line end
        k = k + 1
      end
    end
  end
end

function request()
  if fixed then return fixed end
  local tok = "starved"
  if head <= tail then
    tok = pool[head]; pool[head] = nil; head = head + 1
  else
    starved = starved + 1
  end
  return wrk.format("POST", token_path, headers, "grant_type=refresh_token&refresh_token=" .. tok)
end

function response(status, hdrs, body)
  if mode == "cc" then return end
  if mode == "introspect" then
    if status ~= 200 or not string.find(body, '"active":true', 1, true) then
      bad = bad + 1
      if first_bad == "" then first_bad = status .. " " .. string.sub(body, 1, 200) end
    end
    return
  end
  local tok = status == 200 and string.match(body, '"refresh_token"%s*:%s*"([^"]+)"')
  if tok then
    tail = tail + 1; pool[tail] = tok
  else
    bad = bad + 1
    if first_bad == "" then first_bad = status .. " " .. string.sub(body, 1, 200) end
  end
end

if mode == "cc" then response = nil end  -- wrk skips body handling without response()

function done(summary, latency, requests_)
  local non2xx = summary.errors.status
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local badsum, starvedsum, live = 0, 0, 0
  local out = mode == "refresh" and io.open(os.getenv("BENCH_REFRESH_OUT"), "w") or nil
  for _, t in ipairs(threads) do
    badsum = badsum + (t:get("bad") or 0)
    starvedsum = starvedsum + (t:get("starved") or 0)
    local fb = t:get("first_bad")
    if fb and fb ~= "" then io.stderr:write("first unexpected answer: ", fb, "\n") end
    if out then
      local p = t:get("pool")
      for _, tok in pairs(p) do out:write(tok, "\n"); live = live + 1 end
    end
  end
  if out then out:close() end
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d non2xx=%d errors=%d bad=%d starved=%d live=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests, non2xx, errors, badsum,
    starvedsum, live))
end
