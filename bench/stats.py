#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Medians, ratios and goals of a benchmark run.

stats.py [--smp N] [--runs N] [--quick] RAW OUTDIR

RAW holds lines "kernel=K lane=ours|reference run=R row=NAME value=V unit=U".
Writes OUTDIR/results.md (a Markdown table per kernel: the median of each
driver, ours/reference, the issue's goal and whether it is met) and the
gnuplot data OUTDIR/ratios-K.dat and OUTDIR/scale-K.dat (for bench.gp).
"""
import argparse
import re
import statistics
import sys

THROUGHPUT = {"calls/s", "allocs/s"}


def direction(row, unit):
    """+1: higher is better, -1: lower is better, 0: a reference point"""
    if row.startswith("floor"):
        return 0
    if unit in THROUGHPUT or row == "refs_reached":
        return 1
    return -1


def goal(row, unit):
    """(text, test(ours, ref, ratio) -> bool) of the issue's goal, or None"""
    if row.startswith("floor") or row.startswith("procs") or row == "refs_reached":
        return None
    if row == "isolation_slowdown":
        return ("ours ≤ 2", lambda o, r, q: o <= 2)
    if row == "refs_growth":
        return ("ours ≤ 1.5 (flat)", lambda o, r, q: o <= 1.5)
    if row.startswith("mem_"):
        return ("ours ≤ ref", lambda o, r, q: o <= r)
    if unit == "us":
        return ("≤ 0.90", lambda o, r, q: q is not None and q <= 0.90)
    m = re.match(r"scale_(server|pairs)_P(\d+)_calls", row)
    if m:
        p = int(m.group(2))
        if p == 1:
            return ("≥ 1.0", lambda o, r, q: q is not None and q >= 1.0)
        if m.group(1) == "pairs" and p >= 4:
            return ("≥ 1.5", lambda o, r, q: q is not None and q >= 1.5)
        return None
    if unit in THROUGHPUT:
        return ("≥ 1.0", lambda o, r, q: q is not None and q >= 1.0)
    return None


def fmt(v):
    if v is None:
        return "—"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smp", default="2")
    ap.add_argument("--runs", default="3")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("raw")
    ap.add_argument("outdir")
    a = ap.parse_args()

    kernels = []
    rows = {}      # kernel -> [row names in order]
    units = {}     # (kernel, row) -> unit
    vals = {}      # (kernel, row, lane) -> [values]
    boots = {}     # (kernel, lane) -> set of runs
    floors = {}    # (kernel, lane) -> [floor_pipe_p50 of each boot]
    with open(a.raw) as f:
        for line in f:
            kv = dict(w.split("=", 1) for w in line.split() if "=" in w)
            try:
                k, lane, row = kv["kernel"], kv["lane"], kv["row"]
                v = float(kv["value"])
            except (KeyError, ValueError):
                continue
            if k not in rows:
                kernels.append(k)
                rows[k] = []
            if row not in rows[k]:
                rows[k].append(row)
            units[(k, row)] = kv.get("unit", "")
            vals.setdefault((k, row, lane), []).append(v)
            boots.setdefault((k, lane), set()).add(kv.get("run"))
            if row == "floor_pipe_p50":
                floors.setdefault((k, lane), []).append(v)

    out = []
    title = "binder benchmark: ours vs Debian's binder_linux.ko"
    out.append(f"## {title}\n")
    out.append(f"QEMU TCG, {a.smp} vCPUs, medians of {a.runs} boot(s) per driver, "
               "booted alternately. Ratio = ours / reference; lower is better for "
               "us, s, kB, pages and x, higher for calls/s and allocs/s.")
    if a.quick:
        out.append("\n**QUICK run: tiny counts, a smoke test — the numbers mean nothing.**")
    out.append("")
    if not kernels:
        out.append("(no results)")
    for k in kernels:
        no = len(boots.get((k, "ours"), ()))
        nr = len(boots.get((k, "reference"), ()))
        out.append(f"### {k}\n")
        fl = [(lane, floors.get((k, lane), [])) for lane in ("ours", "reference")]
        allf = [v for _, vs in fl for v in vs]
        if allf:
            out.append("Floor of each boot (pipe ping-pong p50, µs, no binder involved): " +
                       "; ".join(f"{lane} " + ", ".join(fmt(v) for v in vs) for lane, vs in fl) +
                       ("." if max(allf) <= 3 * min(allf) else
                        f". **The floor varies {max(allf) / min(allf):.0f}× between boots: "
                        "the guest ran slower in some boots (a busy host, most likely), and the ratios carry that noise.**"))
            out.append("")
        out.append(f"| row | unit | ours (n={no}) | reference (n={nr}) | ours/ref | goal | met |")
        out.append("| --- | --- | ---: | ---: | ---: | --- | --- |")
        rdat = []
        for row in rows[k]:
            unit = units[(k, row)]
            o = vals.get((k, row, "ours"))
            r = vals.get((k, row, "reference"))
            mo = statistics.median(o) if o else None
            mr = statistics.median(r) if r else None
            q = mo / mr if mo is not None and mr and mo >= 0 and mr > 0 else None
            g = goal(row, unit)
            met = ""
            if g and mo is not None and (mr is not None or row in
                                         ("isolation_slowdown", "refs_growth")):
                met = "yes" if g[1](mo, mr, q) else "**no**"
            elif g:
                met = "n/a"
            out.append(f"| {row} | {unit} | {fmt(mo)} | {fmt(mr)} | "
                       f"{fmt(q) if q is not None else '—'} | {g[0] if g else ''} | {met} |")
            if q is not None and q > 0 and unit != "x" and row != "refs_reached":
                d = direction(row, unit)
                better = 0 if d == 0 or q == 1 else (1 if (q > 1) == (d > 0) else -1)
                rdat.append((row, q, better))
        out.append("")
        with open(f"{a.outdir}/ratios-{k}.dat", "w") as f:
            # gnuplot: index, name, ratio, ours better (1), worse (-1), neither (0)
            for i, (row, q, b) in enumerate(reversed(rdat)):
                f.write(f"{i} {row} {q:.4g} {b}\n")
            if not rdat:
                f.write("0 (no_ratios) 1 0\n")  # gnuplot needs one point
        with open(f"{a.outdir}/scale-{k}.dat", "w") as f:
            f.write("# P ours_server ref_server ours_pairs ref_pairs (calls/s)\n")
            for p in (1, 2, 4, 8):
                cols = []
                for kind in ("server", "pairs"):
                    for lane in ("ours", "reference"):
                        v = vals.get((k, f"scale_{kind}_P{p}_calls", lane))
                        cols.append(f"{statistics.median(v):.1f}" if v else "NaN")
                f.write(f"{p} {cols[0]} {cols[1]} {cols[2]} {cols[3]}\n")
    with open(f"{a.outdir}/kernels.txt", "w") as f:
        f.write(" ".join(kernels) + "\n")
    text = "\n".join(out) + "\n"
    with open(f"{a.outdir}/results.md", "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
