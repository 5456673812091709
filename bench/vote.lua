-- Votes like phones: POST .../responses with a JSON answer and a participant token. Each wrk
-- thread walks its own slice of the token file, so with enough tokens every vote is a participant's
-- first (an insert); counts the answers by status for the database check.
-- env: CAJA_PATH, CAJA_TOKENS (file, one token a line), CAJA_DELAY_MS (think time per connection),
-- CAJA_RETRY_AFTER=1: a connection refused with 503/429 waits its Retry-After (as join.js does)
-- before its next vote, instead of hammering the server with the next one at once.
local path = os.getenv("CAJA_PATH")
local delay_ms = tonumber(os.getenv("CAJA_DELAY_MS") or "0")
local honour_retry_after = os.getenv("CAJA_RETRY_AFTER") == "1"
-- wrk asks delay() for the connection whose response() just ran, in that order: a FIFO of waits.
local waits, wait_head, wait_tail = {}, 1, 0
local tokens = {}
for line in io.lines(os.getenv("CAJA_TOKENS")) do tokens[#tokens + 1] = line end

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

local nthreads = 1
local counter = 0
s2xx, s409, s429, s5xx, sother = 0, 0, 0, 0, 0

function init(args)
  nthreads = tonumber(os.getenv("CAJA_THREADS") or "2")
  counter = 0
end

local bodies = {
  '{"response_data": {"option_ids": ["a"]}}',
  '{"response_data": {"option_ids": ["b"]}}',
}

function request()
  local index = (id + counter * nthreads) % #tokens + 1
  counter = counter + 1
  local headers = {["Content-Type"] = "application/json", ["X-Participant-Token"] = tokens[index]}
  return wrk.format("POST", path, headers, bodies[(counter % 2) + 1])
end

function think()
  if delay_ms <= 0 then return 0 end
  return math.floor(delay_ms * (0.8 + 0.4 * math.random()))
end

function delay()
  if wait_head <= wait_tail then
    local wait = waits[wait_head]
    waits[wait_head] = nil
    wait_head = wait_head + 1
    if wait > 0 then return wait end
  end
  return think()
end

function response(status, headers, body)
  if honour_retry_after then
    local wait = 0
    local after = tonumber(headers["Retry-After"] or headers["retry-after"] or "")
    if (status == 503 or status == 429) and after then wait = math.floor(after * 1000) end
    wait_tail = wait_tail + 1
    waits[wait_tail] = wait
  end
  if status >= 200 and status < 300 then s2xx = s2xx + 1
  elseif status == 409 then s409 = s409 + 1
  elseif status == 429 then s429 = s429 + 1
  elseif status >= 500 then s5xx = s5xx + 1
  else sother = sother + 1 end
end

function done(summary, latency, requests)
  local c2xx, c409, c429, c5xx, cother = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c2xx = c2xx + t:get("s2xx"); c409 = c409 + t:get("s409"); c429 = c429 + t:get("s429")
    c5xx = c5xx + t:get("s5xx"); cother = cother + t:get("sother")
  end
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"errors_connect": %d, "errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d, ' ..
    '"s2xx": %d, "s409": %d, "s429": %d, "s5xx": %d, "sother": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, c2xx, c409, c429, c5xx, cother))
end
