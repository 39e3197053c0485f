-- wrk script for the benchmarks (bench/loadgen.py writes the input and reads the output).
--
-- WRK_REQUESTS names a file of ready HTTP/1.1 requests, each as "<byte count>\n<bytes>".
-- Each wrk thread takes every WRK_THREADS-th request starting at its own index and cycles
-- through its share, so threads never send the same request at the same time (distinct
-- inbox Follows, distinct carts). done() prints one line "WRKJSON {...}" with the counts and
-- latency percentiles in microseconds.

local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
end

local share = {}
local position = 0

function init(_args)
  local index = tonumber(wrk.thread:get("index")) or 0
  local threads = tonumber(os.getenv("WRK_THREADS") or "1")
  local file = assert(io.open(os.getenv("WRK_REQUESTS"), "rb"))
  local data = file:read("*a")
  file:close()
  local at, n = 1, 0
  while at <= #data do
    local newline = string.find(data, "\n", at, true)
    local size = tonumber(string.sub(data, at, newline - 1))
    if n % threads == index then
      share[#share + 1] = string.sub(data, newline + 1, newline + size)
    end
    n = n + 1
    at = newline + 1 + size
  end
end

function request()
  position = position + 1
  if position > #share then
    position = 1
  end
  return share[position]
end

function done(summary, latency, _requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
