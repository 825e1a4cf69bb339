# seccomp.gp: bench/plot.sh's chart of the seccomp section. Inputs (-e): dir
# (seccomp.tsv: y, name, colour, status, median, note; seccomp-runs.tsv: y,
# ns, colour), about (a line), n (the last row's y), hi (the slowest run), out.
h = 130 + 30 * n
set terminal svg size 860, h font "Helvetica,12" background rgb "white"
set output out
set encoding utf8
set datafile separator "\t"
rows = dir . "/seccomp.tsv"
runs = dir . "/seccomp-runs.tsv"
set label 1 "One system call under corral's seccomp filters" at screen 0.015, screen 1 - 22.0 / h left font "Helvetica,15"
set label 2 about at screen 0.015, screen 1 - 42.0 / h left font "Helvetica,11" textcolor rgb "#555555"
# The x range from the runs, with room on the right for the figures.
med = hi * 1.3
p = 10 ** floor(log10(hi))
step = hi / p >= 4 ? p : (hi / p >= 2 ? p / 2 : p / 5)
set label 3 "median" at med, 0.1 right font "Helvetica,11" textcolor rgb "#555555"
set label 4 "Every run is a dot, the black bar is the median. The filter's cost per call is what a filtered row adds over corral --seccomp=no." \
	at screen 0.015, screen 14.0 / h left font "Helvetica,10.5" textcolor rgb "#555555"
set xrange [0:med * 1.62]
set xtics 0, step, hi * 1.15 nomirror textcolor rgb "#333333"
set xlabel "nanoseconds per call" textcolor rgb "#333333" offset -12, 0.3
set yrange [n + 0.6:0.4]
set ytics nomirror scale 0 textcolor rgb "black"
set grid xtics lc rgb "#dddddd" lw 1
set border 1 lc rgb "#888888"
set key off
set tmargin 5
set bmargin 4.6
set lmargin 41
set rmargin 1.5
set style fill solid 0.25 border
plot rows using ($5 / 2):1:(0):5:($1 - 0.32):($1 + 0.32):3:ytic(2) with boxxyerror lc rgb variable lw 1.2, \
     runs using 2:1:($3 + 2147483648) with points pt 7 ps 0.45 lc rgb variable, \
     rows using 5:($1 - 0.32):(0):(0.64) with vectors nohead lc rgb "black" lw 2.5, \
     rows using (strcol(4) eq "ok" ? med : NaN):1:(sprintf("%.1f ns", $5)) with labels right font "Helvetica,11.5", \
     rows using (strcol(4) eq "ok" ? med * 1.03 : NaN):1:6 with labels left font "Helvetica,11" textcolor rgb "#333333", \
     rows using (strcol(4) eq "ok" ? NaN : 0):1:6 with labels left font "Helvetica,11" textcolor rgb "#b00000"
