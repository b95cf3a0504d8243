-- Rotates client searches over names, phone digits and dates of birth.
local queries = { "amelia", "hart", "silva3", "priya%20nair", "okafor12", "7000012345", "1972-03-04", "chen", "kai%20nakamura" }
local i = 0
request = function()
  i = i % #queries + 1
  return wrk.format("GET", "/api/v1/clients?q=" .. queries[i])
end
done = function(summary, latency, requests)
  io.write(string.format("requests/s: %.0f\n", summary.requests / (summary.duration / 1e6)))
  for _, p in ipairs({ 50, 95, 99 }) do
    io.write(string.format("p%d: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("errors: %d non-2xx\n", summary.errors.status))
end
