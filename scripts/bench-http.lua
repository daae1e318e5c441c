-- wrk script for `loupe bench http`: POSTs search bodies read from a file, one JSON body a
-- line, cycling through them; each wrk thread starts at its own offset.
--   wrk -t2 -c8 -d10s --latency -s scripts/bench-http.lua URL -- queries.ndjson
local bodies = {}
local next_body = 0
local thread_number = 0

function setup(thread)
  thread:set("offset", thread_number * 997)
  thread_number = thread_number + 1
end

function init(args)
  local path = args[1]
  if path == nil then error("give the bodies file after --") end
  for line in io.lines(path) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  if #bodies == 0 then error("no bodies in " .. path) end
  next_body = (offset or 0) % #bodies
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, bodies[next_body])
end
