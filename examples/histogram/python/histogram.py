"""The histogram of examples/histogram in Python, for comparison: the same
million samples and 15 bins, with plain lists and, where numpy is
installed, with numpy arrays. Prints the counts and the seconds of each.

    python3 examples/histogram/python/histogram.py [n]
"""
import sys
import time

BINS, LO, HI = 15, 0.0, 3.0
A, B, C = 0.6180339887498949, 0.41421356237309515, 0.7320508075688772


def with_lists(n):
    xs = [(i * A) % 1.0 + (i * B) % 1.0 + (i * C) % 1.0 for i in range(n)]
    counts = [0] * BINS
    scale = BINS / (HI - LO)
    for x in xs:
        if LO <= x <= HI:
            k = int((x - LO) * scale)
            if k >= BINS:
                k = BINS - 1
            counts[k] += 1
    return counts


def with_numpy(n):
    import numpy as np
    i = np.arange(n, dtype=np.float64)
    xs = (i * A) % 1.0 + (i * B) % 1.0 + (i * C) % 1.0
    counts, _ = np.histogram(xs, bins=BINS, range=(LO, HI))
    return counts.tolist()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    t0 = time.perf_counter()
    plain = with_lists(n)
    print("lists: %.3fs %s" % (time.perf_counter() - t0, plain))
    try:
        import numpy  # noqa: F401
    except ImportError:
        print("numpy: not installed")
        return
    t0 = time.perf_counter()
    counts = with_numpy(n)
    print("numpy: %.3fs %s" % (time.perf_counter() - t0, counts))
    if counts != plain:
        print("numpy's counts differ from the lists' (a sample on a bin edge)")


if __name__ == "__main__":
    main()
