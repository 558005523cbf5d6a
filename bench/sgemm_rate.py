#!/usr/bin/env python3
"""Single-core sgemm rate for the size ladder's hardware limit (issue #22).

Multiplies float32 square matrices (512, 1024, 2048) with numpy and prints one JSON line:
{"available": true, "gflops": best rate in GFLOP per thread CPU-second, "wallGflops": the
same in wall time, "size": the n of the best, "numpy": version, "blas": name, "core": the
OpenBLAS kernel chosen at run time}. FLOPs per product: 2·n³. Run it with one BLAS thread
(OPENBLAS_NUM_THREADS=1, the bench sets it) and OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset,
which some machines set for older OpenBLAS builds and which slow a current one down. Thread
CPU time is the rate a core delivers when it runs this thread; wall time also counts
preemption by other processes. Exits 0 with {"available": false, "reason": ...} without numpy.
"""
import ctypes
import glob
import json
import os
import sys
import time

REPEATS = 8


def openblas_core(np) -> str:
    """The OpenBLAS kernel numpy's bundled library dispatches to, or "unknown"."""
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*"))
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename"):
            fn = getattr(lib, name, None)
            if fn is not None:
                fn.restype = ctypes.c_char_p
                return fn().decode()
    return "unknown"


def rate(np, n: int) -> tuple:
    """Best (CPU, wall) GFLOP/s of REPEATS products of two n×n float32 matrices."""
    rng = np.random.default_rng(7)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    a @ b
    cpu, wall = float("inf"), float("inf")
    for _ in range(REPEATS):
        c0, w0 = time.thread_time(), time.perf_counter()
        a @ b
        cpu, wall = min(cpu, time.thread_time() - c0), min(wall, time.perf_counter() - w0)
    flop = 2.0 * n ** 3
    return flop / cpu / 1e9 if cpu > 0 else 0.0, flop / wall / 1e9


def main() -> int:
    try:
        import numpy as np
    except ImportError:
        print(json.dumps({"available": False, "reason": "numpy is not installed (python3 -m pip install numpy)"}))
        return 0
    best = max(((*rate(np, n), n) for n in (512, 1024, 2048)), key=lambda r: r[0])
    # numpy >= 1.26 describes its build in CONFIG; older ones print it only.
    blas = getattr(np.__config__, "CONFIG", {}).get("Build Dependencies", {}).get("blas", {})
    print(json.dumps({"available": True, "gflops": best[0], "wallGflops": best[1], "size": best[2], "numpy": np.__version__, "blas": f"{blas.get('name', '?')} {blas.get('version', '')}".strip(), "core": openblas_core(np)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
