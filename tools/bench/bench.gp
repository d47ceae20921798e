# SPDX-License-Identifier: GPL-2.0
# The chart of `make bench`: gnuplot -e "dir='build/bench'; kernel='...'" bench.gp
# Reads dir/{latency,throughput,bulk,clients}.dat, writes dir/bench.png.

if (!exists("dir")) dir = 'build/bench'
if (!exists("kernel")) kernel = ''

set terminal pngcairo size 1600,1100 font ",10"
set output dir.'/bench.png'
set multiplot layout 2,2 title \
	sprintf("machport benchmark, kernel %s, QEMU software emulation: compare within the chart only", kernel) \
	font ",12"

set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top left autotitle columnhead
set xtics rotate by -35 scale 0
set yrange [0:*]

set title "Round-trip latency, p50 (microseconds, log scale, lower is better)"
set ylabel "µs"
set logscale y
set yrange [10:*]
plot dir.'/latency.dat' using 2:xtic(1), '' using 3, '' using 4, '' using 5
unset logscale y
set yrange [0:*]

set title "One-way throughput, 64 B (messages per second, higher is better)"
set ylabel "messages/s"
set format y "%.0s%c"
plot dir.'/throughput.dat' using 2:xtic(1), '' using 3

set title "Bulk transfer (MiB/s, higher is better)"
set ylabel "MiB/s"
set format y "%g"
plot dir.'/bulk.dat' using 2:xtic(1), '' using 3, '' using 4, '' using 5

set title "N clients, one server, 64 B RPCs (RPCs per second, higher is better)"
set ylabel "RPCs/s"
set format y "%.1s%c"
set key top right
plot dir.'/clients.dat' using 2:xtic(1), '' using 3, '' using 4, '' using 5, '' using 6, '' using 7

unset multiplot
