-- wrk script for tests/perf/run.py: at the end of a run, print one line that
-- run.py parses. Latencies are in microseconds, as wrk measures them.
--
--   WRK_RESULT requests=.. duration_us=.. bytes=.. p50_us=.. p95_us=.. p99_us=..
--              max_us=.. mean_us=.. err_connect=.. err_read=.. err_write=..
--              err_status=.. err_timeout=..
--
-- err_status counts responses that were not 2xx or 3xx.

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d bytes=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d mean_us=%d"
      .. " err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout
  ))
end
