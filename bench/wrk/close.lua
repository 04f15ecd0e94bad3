-- wrk script: each request closes a different open conversation as Resolved. The conversations
-- are lines "id version" in the file BENCH_CLOSE_FILE, dealt out to the BENCH_THREADS threads;
-- BENCH_CSRF is the session's CSRF token (URL-encoded). A thread that runs out of conversations
-- starts over, and those requests answer 409 (stale version): the runner reports every status.
local path = os.getenv("BENCH_CLOSE_FILE")
local csrf = os.getenv("BENCH_CSRF")
local count = tonumber(os.getenv("BENCH_THREADS"))
local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  targets = {}
  local n = 0
  for line in io.lines(path) do
    if n % count == index then
      table.insert(targets, line)
    end
    n = n + 1
  end
  position = 0
  statuses = {}
  -- wrk.format replaces wrk.headers (the -H cookie) with the table it is given: copy them.
  headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

-- One line per status for the runner: "status 303: 1234".
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("status %d: %d\n", status, n))
  end
end

function request()
  position = position + 1
  local id, version = targets[(position - 1) % #targets + 1]:match("(%d+) (%d+)")
  return wrk.format(
    "POST",
    "/conversations/" .. id .. "/close",
    headers,
    "csrf_token=" .. csrf .. "&version=" .. version .. "&outcome=resolved"
  )
end
