-- wrk script: each request opens a random conversation, ids BENCH_ID_MIN..BENCH_ID_MAX
-- (environment). The session cookie comes from wrk's -H option.
local lo = tonumber(os.getenv("BENCH_ID_MIN"))
local hi = tonumber(os.getenv("BENCH_ID_MAX"))
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + seed)
end

function request()
  return wrk.format("GET", "/conversations/" .. math.random(lo, hi))
end
