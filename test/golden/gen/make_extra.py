#!/usr/bin/env python3
"""Writes fixtures/golden/clip-extra.json: golden cases for the options and strategies the
public golden file does not cover (ZClip's percentile mode and every other option, AdaGC,
StableAdamW update clipping), generated from the reference implementations.

  test/golden/gen/fetch_refs.sh /tmp/gclip-refs     # the references at their pinned commits
  /usr/bin/python3 test/golden/gen/make_extra.py --refs /tmp/gclip-refs

Needs Debian's PyTorch 1.13 (apt-get install python3-torch) and numpy; deterministic (fixed
seeds), so a re-run writes the same file. See refs.py for the commits and for what each
loader changes to run its reference on a CPU.
"""
import argparse
import json
import os
import platform
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adagc_cases  # noqa: E402
import refs  # noqa: E402
import stableadamw_cases  # noqa: E402
import zclip_cases  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))

CONVENTIONS = {
    "tensor": "{shape:[...], data:[row-major]}; a list of tensors per step for sequences",
    "non_finite": "floats NaN/+inf/-inf are the strings 'NaN','Infinity','-Infinity'",
    "float32": "tensor values, adagc gamma/total_norm and stableadamw rms are float32 results written as exact doubles",
    "tolerance": "per element |got-exp| <= 1e-5*|exp| + 1e-6*max|exp in that tensor| for float32 fields; 1e-12 relative for the float64 zclip simulation; non-finite values and null exactly",
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--refs", required=True, help="directory with the reference files (fetch_refs.sh)")
    ap.add_argument("--out", default=os.path.join(ROOT, "fixtures", "golden", "clip-extra.json"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    ZClip, zclip_sha = refs.load_zclip(args.refs)
    AdaGC, adagc_sha = refs.load_adagc(args.refs)
    StableAdamW, stable_sha = refs.load_stableadamw(args.refs)
    cases = zclip_cases.build(ZClip) + adagc_cases.build(AdaGC) + stableadamw_cases.build(StableAdamW)
    shas = {"zclip": zclip_sha, "adagc": adagc_sha, "stableadamw": stable_sha}
    meta = {
        "generator": "test/golden/gen/make_extra.py",
        "references": {k: {**{f: v[f] for f in ("repo", "commit", "path")}, "sha256_of_executed_text": shas[k]} for k, v in refs.REFERENCES.items()},
        "python": platform.python_version(),
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "case_count": len(cases),
        "conventions": CONVENTIONS,
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"meta": meta, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.relpath(args.out, ROOT)}")


if __name__ == "__main__":
    main()
