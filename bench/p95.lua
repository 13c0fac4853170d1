-- wrk: print the 95th percentile of the latency (microseconds) after the run (bench/run.py).
done = function(summary, latency, requests)
  io.write(string.format("p95_us %d\n", latency:percentile(95)))
end
