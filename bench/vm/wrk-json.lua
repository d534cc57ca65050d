-- wrk script for bench/vm/t-bench-http.sh: after wrk's own report, one
-- line "WRK-JSON {...}" with the figures the benchmarks record, in the
-- units and names htstress --json uses (microseconds, per second).
done = function(summary, latency, requests)
	local e = summary.errors
	local secs = summary.duration / 1e6
	io.write(string.format(
		'WRK-JSON {"requests": %d, "elapsed_s": %.3f, ' ..
		'"req_per_s": %.1f, "mb_per_s": %.2f, ' ..
		'"lat_p50_us": %.1f, "lat_p99_us": %.1f, ' ..
		'"lat_p999_us": %.1f, "err_connect": %d, "err_read": %d, ' ..
		'"err_write": %d, "err_status": %d, "err_timeout": %d}\n',
		summary.requests, secs, summary.requests / secs,
		summary.bytes / secs / 1e6, latency:percentile(50),
		latency:percentile(99), latency:percentile(99.9),
		e.connect, e.read, e.write, e.status, e.timeout))
end
