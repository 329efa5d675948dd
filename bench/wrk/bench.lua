-- wrk script for bench/run.sh
--
--   wrk ... -s bench/wrk/bench.lua URL -- rotate FILE
--       cycles through prebuilt requests, one per line of FILE (the value
--       of the Authorization header); each thread starts at its own offset
--   wrk ... -s bench/wrk/bench.lua URL -- cold PREFIX
--       every request carries a new token "Bearer PREFIX<thread><counter>",
--       47 characters like the keys and tokens of the other scenarios
--
-- done() prints one line "BENCHJSON {...}" for run.sh.

local threads = {}

function setup(thread)
    threads[#threads + 1] = thread
    thread:set("id", #threads)
end

function init(args)
    mode = args[1]
    generated = 0

    if mode == "rotate" then
        reqs = {}
        for line in io.lines(args[2]) do
            if line ~= "" then
                reqs[#reqs + 1] = wrk.format(nil, nil,
                                             { Authorization = line })
            end
        end
        n = #reqs
        i = ((id - 1) * 37) % n

    elseif mode == "cold" then
        prefix = args[2]

    else
        error("bench.lua: mode must be rotate or cold")
    end
end

function request()
    generated = generated + 1

    if mode == "rotate" then
        i = i + 1
        if i > n then
            i = 1
        end
        return reqs[i]
    end

    local tok = string.format("%s%02d%d", prefix, id, generated)
    tok = tok .. string.rep("x", 47 - #tok)
    return wrk.format(nil, nil, { Authorization = "Bearer " .. tok })
end

function done(summary, latency, requests)
    local gen = 0
    for _, t in ipairs(threads) do
        gen = gen + (t:get("generated") or 0)
    end

    io.write(string.format(
        'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,'
        .. '"p50_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,'
        .. '"errors_connect":%d,"errors_read":%d,"errors_write":%d,'
        .. '"errors_timeout":%d,"status_errors":%d,"generated":%d}\n',
        summary.requests, summary.duration, summary.bytes,
        latency:percentile(50), latency:percentile(99), latency.max,
        latency.mean,
        summary.errors.connect, summary.errors.read, summary.errors.write,
        summary.errors.timeout, summary.errors.status, gen))
end
