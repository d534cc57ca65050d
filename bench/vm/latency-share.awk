# What share of the server CPUs' busy time kecho spends recording service
# times, from `perf script -F ip,sym` of a cpu-clock profile with call
# chains (one frame per line, leaf first; a blank line ends a sample).
#
# Recording: a sample in ktcp_conn_latency() or below it (the second clock
# read, the bucket, the per-CPU adds), or in a clock read whose caller is
# ktcp_conn_data_ready() or ktcp_conn_alloc() (the arrival stamp; TCP's
# own clock reads have other callers). Idle: a sample under do_idle().
# Prints "SAMPLES BUSY RECORDING".
function sample_end() {
	if (frames) {
		samples++
		if (!idle) {
			busy++
			recording += rec
		}
	}
	frames = 0
	rec = 0
	idle = 0
	in_clock = 1
}
BEGIN { sample_end() }
/^[[:space:]]*$/ { sample_end(); next }
{
	frames++
	sym = $2
	if (sym == "ktcp_conn_latency")
		rec = 1
	if (sym == "do_idle")
		idle = 1
	# The leaf's clock frames, then the first frame that called them.
	if (in_clock && sym !~ /^(ktime_get|ktime_get_ns|read_tsc|read_hpet|ktcp_latency_clock)$/) {
		if (frames > 1 && sym ~ /^ktcp_conn_(data_ready|alloc)$/)
			rec = 1
		in_clock = 0
	}
}
END {
	sample_end()
	print samples + 0, busy + 0, recording + 0
}
