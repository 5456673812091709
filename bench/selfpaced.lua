-- A self-paced session's answers: every phone answers every activity once, at its own pace. Request i
-- (over both wrk threads) is the answer of phone i mod N to activity floor(i / N) mod K, so the first
-- N*K requests are N*K distinct (participant, activity) pairs, each a first answer (an insert).
-- env: CAJA_TOKENS (file, one token a line), CAJA_PATHS (the K answer paths, comma-separated),
-- CAJA_DELAY_MS (think time per connection), CAJA_THREADS.
local delay_ms = tonumber(os.getenv("CAJA_DELAY_MS") or "0")
local tokens = {}
for line in io.lines(os.getenv("CAJA_TOKENS")) do tokens[#tokens + 1] = line end
local paths = {}
for p in string.gmatch(os.getenv("CAJA_PATHS"), "[^,]+") do paths[#paths + 1] = p end

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

local nthreads = 2
local counter = 0
s2xx, s409, s429, s5xx, sother = 0, 0, 0, 0, 0
-- The 503s of load shedding, by design (phones send the answer again after Retry-After), apart from
-- the real 5xx: shed_app = Caja's own (core/shedding.py: the vote waited in front of busy workers
-- longer than CAJA_SHED_QUEUE_SECONDS), shed_proxy = nginx's @busy (every upstream connection slot
-- taken, max_conns, or the upstream unreachable). s5xx counts the rest, the errors to explain.
shed_app, shed_proxy = 0, 0
-- The first real 5xx status seen (0: none), for the report.
first5xx = 0

function init(args)
  nthreads = tonumber(os.getenv("CAJA_THREADS") or "2")
  counter = 0
end

function request()
  local index = id + counter * nthreads
  counter = counter + 1
  local phone = index % #tokens + 1
  local activity = math.floor(index / #tokens) % #paths + 1
  local headers = {["Content-Type"] = "application/json", ["X-Participant-Token"] = tokens[phone]}
  local body = (index % 2 == 0) and '{"response_data": {"option_ids": ["a"]}}' or '{"response_data": {"option_ids": ["b"]}}'
  return wrk.format("POST", paths[activity], headers, body)
end

function delay()
  if delay_ms <= 0 then return 0 end
  return math.floor(delay_ms * (0.8 + 0.4 * math.random()))
end

function response(status, headers, body)
  if status >= 200 and status < 300 then s2xx = s2xx + 1
  elseif status == 409 then s409 = s409 + 1
  elseif status == 429 then s429 = s429 + 1
  elseif status == 503 and body and string.find(body, '"overloaded"', 1, true) then
    -- Caja's message says the answer was not stored; nginx's (deploy/nginx.conf @busy) does not.
    if string.find(body, "not stored", 1, true) then shed_app = shed_app + 1 else shed_proxy = shed_proxy + 1 end
  elseif status >= 500 then
    s5xx = s5xx + 1
    if first5xx == 0 then first5xx = status end
  else sother = sother + 1 end
end

function done(summary, latency, requests)
  local c2xx, c409, c429, c5xx, cother, capp, cproxy, cfirst = 0, 0, 0, 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c2xx = c2xx + t:get("s2xx"); c409 = c409 + t:get("s409"); c429 = c429 + t:get("s429")
    c5xx = c5xx + t:get("s5xx"); cother = cother + t:get("sother")
    capp = capp + t:get("shed_app"); cproxy = cproxy + t:get("shed_proxy")
    if cfirst == 0 then cfirst = t:get("first5xx") end
  end
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"errors_connect": %d, "errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d, ' ..
    '"s2xx": %d, "s409": %d, "s429": %d, "s5xx": %d, "sother": %d, "shed_app": %d, "shed_proxy": %d, ' ..
    '"first_5xx": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, c2xx, c409, c429, c5xx, cother,
    capp, cproxy, cfirst))
end
