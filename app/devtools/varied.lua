-- wrk script of `make bench` (app/devtools/load.py): every request is a different question.
-- Argument: a file of request bodies, one per line, each split by a tab where a unique tag is
-- inserted (inside the question's JSON string), so no two requests carry the same question.
-- At the end one JSON line with the totals and latency percentiles (microseconds) is printed.
local bodies = {}
local thread_no = 0
local threads = {}

function setup(thread)
  thread_no = thread_no + 1
  thread:set("id", thread_no)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local tab = line:find("\t", 1, true)
    if tab then
      table.insert(bodies, { line:sub(1, tab - 1), line:sub(tab + 1) })
    end
  end
  n = 0
end

function request()
  n = n + 1
  local b = bodies[(n % #bodies) + 1]
  local body = b[1] .. " (" .. id .. "." .. n .. ")" .. b[2]
  return wrk.format("POST", "/v1/route", { ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,' ..
    '"status_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
