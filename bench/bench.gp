# SPDX-License-Identifier: GPL-2.0
#
# gnuplot -e "dir='build/bench'" bench/bench.gp  ->  dir/bench.png
# One line of panels per kernel: ours/reference per row (log scale; green
# where ours is better, red where it is worse, grey for the floor), and
# the scale rows, aggregate calls/s against the number of clients.
# Data from bench/stats.py: kernels.txt, ratios-K.dat, scale-K.dat.
if (!exists("dir")) dir = "build/bench"
kernels = system("cat '".dir."/kernels.txt'")
nk = words(kernels)
if (nk < 1) exit error "bench.gp: no kernels in ".dir."/kernels.txt"

set terminal pngcairo size 1800, 1000 * nk font "Sans,10" noenhanced
set output dir."/bench.png"
set multiplot layout nk, 2 \
	title "binder_bench: our binder_linux.ko against Debian's (QEMU TCG)" font "Sans,13"

color(b) = b > 0 ? 0x2ca02c : (b < 0 ? 0xd62728 : 0x8c8c8c)
max(a, b) = a > b ? a : b
min(a, b) = a < b ? a : b

do for [i = 1:nk] {
	k = word(kernels, i)
	f = dir."/ratios-".k.".dat"
	stats f using 3 nooutput
	n = STATS_records
	lo = min(0.5, STATS_min / 1.6)
	hi = max(2.0, STATS_max * 1.6)

	# ours / reference per row
	reset
	set title k.": ours / reference, median per row (green: ours better, red: worse; dashed: 0.9)"
	set logscale x 2
	set xrange [lo:hi]
	set yrange [-0.7:n - 0.3]
	set xlabel "ours / reference (log scale)"
	set grid xtics
	set ytics scale 0 font "Sans,9"
	set xtics (0.03125, 0.0625, 0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128)
	set arrow 1 from 1, graph 0 to 1, graph 1 nohead lw 1.5 lc rgb "black"
	set arrow 2 from 0.9, graph 0 to 0.9, graph 1 nohead dt 2 lc rgb "#2ca02c"
	set key off
	set lmargin 24
	plot f using (1):1:($3 < 1 ? $3 : 1):($3 < 1 ? 1 : $3):($1 - 0.38):($1 + 0.38):(color($4)):ytic(2) \
		with boxxyerror fillstyle solid 0.75 noborder lc rgb variable, \
	     f using ($3 >= 1 ? $3 * 1.03 : NaN):1:(sprintf("%.2f", $3)) with labels left font "Sans,8", \
	     f using ($3 < 1 ? $3 / 1.03 : NaN):1:(sprintf("%.2f", $3)) with labels right font "Sans,8"

	# scale: calls/s against P
	reset
	g = dir."/scale-".k.".dat"
	set title k.": scale, aggregate calls/s against P"
	set logscale x 2
	set xrange [0.8:10]
	set xtics (1, 2, 4, 8)
	set xlabel "P (client processes)"
	set ylabel "calls/s (all clients)"
	set yrange [0:*]
	set grid
	set key top left
	plot g using 1:2 with linespoints lw 2 pt 7 lc rgb "#1f77b4" title "ours: P clients -> 1 server, P loopers", \
	     g using 1:3 with linespoints lw 2 pt 7 dt 2 lc rgb "#1f77b4" title "reference: P clients -> 1 server", \
	     g using 1:4 with linespoints lw 2 pt 5 lc rgb "#ff7f0e" title "ours: P independent pairs", \
	     g using 1:5 with linespoints lw 2 pt 5 dt 2 lc rgb "#ff7f0e" title "reference: P independent pairs"
}
unset multiplot
