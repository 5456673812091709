-- Polls /state like a phone: If-None-Match with the last ETag seen, a participant token that
-- rotates over all N participants (each token polls once per cycle), and think time so the
-- intended aggregate rate is N / interval.
-- env: CAJA_PATH, CAJA_TOKENS (file, one token a line), CAJA_DELAY_MS, CAJA_CONDITIONAL (1/0)
local path = os.getenv("CAJA_PATH")
local delay_ms = tonumber(os.getenv("CAJA_DELAY_MS") or "0")
local conditional = os.getenv("CAJA_CONDITIONAL") ~= "0"
local tokens = {}
local tokfile = os.getenv("CAJA_TOKENS")
if tokfile and tokfile ~= "" then
  for line in io.lines(tokfile) do tokens[#tokens + 1] = line end
end

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

local counter = 0
local etag = nil
s200, s304, s429, sother = 0, 0, 0, 0

function init(args)
  counter = id * 7919
end

function request()
  counter = counter + 1
  local headers = {}
  if #tokens > 0 then headers["X-Participant-Token"] = tokens[(counter % #tokens) + 1] end
  if conditional and etag then headers["If-None-Match"] = etag end
  return wrk.format("GET", path, headers)
end

function delay()
  if delay_ms <= 0 then return 0 end
  -- +-20% jitter so connections do not move in lockstep
  return math.floor(delay_ms * (0.8 + 0.4 * math.random()))
end

function response(status, headers, body)
  if status == 200 then s200 = s200 + 1; etag = headers["ETag"] or headers["etag"]
  elseif status == 304 then s304 = s304 + 1
  elseif status == 429 then s429 = s429 + 1
  else sother = sother + 1 end
end

function done(summary, latency, requests)
  local c200, c304, c429, cother = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c200 = c200 + t:get("s200"); c304 = c304 + t:get("s304")
    c429 = c429 + t:get("s429"); cother = cother + t:get("sother")
  end
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"errors_connect": %d, "errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d, ' ..
    '"s200": %d, "s304": %d, "s429": %d, "sother": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, c200, c304, c429, cother))
end
