# launch.gp: bench/plot.sh's chart of the launch section. Inputs (-e): dir
# (launch.tsv: y, name, colour, status, lower whisker, 25th, 50th, 75th
# percentile, upper whisker, note; launch-runs.tsv: y, ms, colour; launch-violins.tsv: a
# block per measured row of ms, y - d, y + d), colours (of those blocks),
# about (a line), n (rows), lo and hi (the fastest and slowest run), out.
h = 145 + 34 * n
set terminal svg size 860, h font "Helvetica,12" background rgb "white"
set output out
set encoding utf8
set datafile separator "\t"
rows = dir . "/launch.tsv"
runs = dir . "/launch-runs.tsv"
violins = dir . "/launch-violins.tsv"
# Log scale from the runs, with room on the right for the medians.
lo = lo / 1.3
med = hi * 1.9
set label 1 "Launch time of /bin/true" at screen 0.015, screen 1 - 22.0 / h left font "Helvetica,15"
set label 2 about at screen 0.015, screen 1 - 42.0 / h left font "Helvetica,11" textcolor rgb "#555555"
set label 3 "median" at med, 0.1 center font "Helvetica,11" textcolor rgb "#555555"
set label 4 "The shape is the density of a row's runs. The box holds the middle half of them, the white bar is the median;\nthe whiskers reach the furthest runs within 1.5 box lengths of the box, and the dots are the runs beyond." \
	at screen 0.015, screen 26.0 / h left font "Helvetica,10.5" textcolor rgb "#555555"
set logscale x 10
set xrange [lo:med * 1.45]
set xtics () nomirror textcolor rgb "#333333"
do for [v in "0.1 0.2 0.5 1 2 5 10 20 50 100 200 500 1000 2000 5000"] {
	if (v + 0 >= lo && v + 0 <= hi * 1.3) { set xtics add (v v + 0) }
}
set mxtics 10
set xlabel "milliseconds (log scale); orange: corral, blue: its peers, grey: the floors" textcolor rgb "#333333" offset 0, 0.3
set yrange [n + 0.6:0.4]
set ytics nomirror scale 0 textcolor rgb "black"
set grid xtics mxtics lc rgb "#dddddd" lw 1, lc rgb "#f0f0f0" lw 1
set border 1 lc rgb "#888888"
set key off
set tmargin 5
set bmargin 5.8
set lmargin 37
set rmargin 1.5
nv = words(colours)
plot for [i = 1:nv] violins index (i - 1) using 1:2:3 with filledcurves \
	lc rgb word(colours, i) lw 1 fs transparent solid 0.25 border, \
     runs using 2:1:3 with points pt 7 ps 0.25 lc rgb variable, \
     rows using 5:1:($9 - $5):(0) with vectors nohead lc rgb "#333333" lw 1, \
     rows using 7:1:6:8:($1 - 0.09):($1 + 0.09):3:ytic(2) with boxxyerror fs solid 1.0 noborder lc rgb variable, \
     rows using 7:($1 - 0.09):(0):(0.18) with vectors nohead lc rgb "white" lw 2.5, \
     rows using (strcol(4) eq "ok" ? med : NaN):1:(sprintf("%.2f ms", $7)) with labels center font "Helvetica,11.5", \
     rows using (strcol(4) eq "ok" ? NaN : lo):1:10 with labels left font "Helvetica,11" textcolor rgb "#b00000"
