"""T1, the log job of BENCHMARKS.md, in Python: the same job as main.star.

Counts the requests per path and the bytes per status of every .log file
of a folder in a pool of k workers (a regular expression per file, one
Counter each), merges the counters, and prints the same report as
report.star. The time of the job (listing, pool, map, merge, report) goes
to stderr as "seconds S".

    python3 t1.py FOLDER [-k WORKERS] [--executor process|interpreter]

process is multiprocessing.Pool; interpreter is
concurrent.futures.InterpreterPoolExecutor (CPython 3.14 and later): where
it is missing the script says so on stderr and exits with status 3.
"""

import argparse
import collections
import os
import re
import sys
import time

LINE = re.compile(r'"[A-Z]+ (\S+) HTTP/\d\.\d" (\d{3}) (\d+|-)')
TOP = 20
UNAVAILABLE = 3


def count_file(path):
    """The requests, paths and bytes per status of one file."""
    paths, sizes = collections.Counter(), collections.Counter()
    with open(path, encoding="utf-8") as f:
        matches = LINE.findall(f.read())
    for url, status, size in matches:
        paths[url] += 1
        sizes[status] += 0 if size == "-" else int(size)
    return len(matches), paths, sizes


def ranked(counts, n=TOP):
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def answer(requests, paths, sizes):
    lines = ["requests %d" % requests, "top %d paths by requests" % TOP]
    lines += ["%d %s" % (n, k) for k, n in ranked(paths)]
    lines.append("bytes by status")
    lines += ["%d %s" % (n, k) for k, n in ranked(sizes)]
    return "\n".join(lines)


def executor(kind, k):
    if kind == "process":
        import multiprocessing
        return multiprocessing.Pool(k)
    try:
        from concurrent.futures import InterpreterPoolExecutor
    except ImportError:
        print("InterpreterPoolExecutor needs Python 3.14 or later; this is %s"
              % sys.version.split()[0], file=sys.stderr)
        sys.exit(UNAVAILABLE)
    return InterpreterPoolExecutor(k)


def main():
    p = argparse.ArgumentParser(description="T1 log job")
    p.add_argument("folder")
    p.add_argument("-k", type=int, default=os.cpu_count(), help="workers")
    p.add_argument("--executor", choices=["process", "interpreter"], default="process")
    a = p.parse_args()
    start = time.perf_counter()
    files = sorted(os.path.join(a.folder, n) for n in os.listdir(a.folder) if n.endswith(".log"))
    if not files:
        sys.exit("no .log files in %s" % a.folder)
    with executor(a.executor, a.k) as pool:
        counts = list(pool.map(count_file, files))
    requests, paths, sizes = 0, collections.Counter(), collections.Counter()
    for n, file_paths, file_sizes in counts:
        requests += n
        paths.update(file_paths)
        sizes.update(file_sizes)
    text = answer(requests, paths, sizes)
    elapsed = time.perf_counter() - start
    print(text)
    print("seconds %.6f" % elapsed, file=sys.stderr)


if __name__ == "__main__":
    main()
