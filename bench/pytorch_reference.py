#!/usr/bin/env python3
"""PyTorch reference for gclip's benchmark (issue #9).

Trains the benchmark's models with the shapes gclip's bench uses (src/bench/cases.ts):
batch 64, Adam lr 1e-3, float32, one CPU thread, and times one optimizer step:
zero_grad -> forward -> loss -> backward -> clip_grad_norm_(max_norm=1.0) -> step.
A second copy of each model is trained without clipping, interleaved step by step with
the first, to show what the clip itself costs in PyTorch.

  MLP   32 -> 64 -> 64 -> 1 (ReLU), MSE on 2048 x 32 regression data
  RNN   nn.RNN(2, 32, tanh), last state -> Linear(32, 1), MSE, adding problem T=20
  LSTM  nn.LSTM(2, 32), same; GRU nn.GRU(2, 32), same
  CNN   Conv2d(1, 8, 3, padding=1) + ReLU + MaxPool2d(2) -> Linear(512, 4), cross-entropy
        on 16 x 16 x 1 images

Usage: python3 bench/pytorch_reference.py [--json] [--steps N] [--models mlp,rnn,...]
Prints a table, or with --json one JSON line: {"available": true, "torchVersion": ...,
"threads": 1, "models": {"mlp": {"stepMs": ..., "plainStepMs": ...}, ...}}.

The size ladder (issue #22; src/bench/ladder.ts passes its rungs as JSON) instead:
  python3 bench/pytorch_reference.py --json --rungs '[{"id": ..., "batch": 128, "spec": {...}}]'
times only the clipped step of each rung (the spec's kinds as in bench/jax_reference.py;
nn.LSTM's gates are sigmoids where tfjs-layers uses hard sigmoids) and prints
{"available": true, ..., "rungs": {"mlp-10k": {"stepMs": ..., "stepCpuMs": ...}, ...}}.
"""
import argparse
import json
import statistics
import sys
import time

import torch
from torch import nn

BATCH = 64
LR = 1e-3
MAX_NORM = 1.0
WARMUP = 5


class LastState(nn.Module):
    """A recurrent layer (batch_first) whose last output feeds a linear head."""

    def __init__(self, rnn: nn.Module, units: int):
        super().__init__()
        self.rnn = rnn
        self.head = nn.Linear(units, 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


def make_case(kind: str, gen: torch.Generator):
    """Model factory, data (x, y) and loss of one benchmark model."""
    if kind == "mlp":
        x = torch.randn(2048, 32, generator=gen)
        y = torch.randn(2048, 1, generator=gen)
        return (lambda: nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))), x, y, nn.MSELoss()
    if kind in ("rnn", "lstm", "gru"):
        x = torch.rand(2048, 20, 2, generator=gen)
        y = torch.rand(2048, 1, generator=gen)
        cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
        return (lambda: LastState(cls(2, 32, batch_first=True), 32)), x, y, nn.MSELoss()
    if kind == "cnn":
        x = torch.randn(1024, 1, 16, 16, generator=gen)
        y = torch.randint(0, 4, (1024,), generator=gen)
        model = lambda: nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 8 * 8, 4))
        return model, x, y, nn.CrossEntropyLoss()
    raise ValueError(f"unknown model {kind}")


def make_rung(spec: dict, gen: torch.Generator):
    """Model factory, data (x, y) and loss of one ladder rung (see bench/jax_reference.py)."""
    if spec["kind"] == "mlp":
        widths = [spec["features"], *spec["hidden"], 1]
        pairs = list(zip(widths, widths[1:]))
        model = lambda: nn.Sequential(*[m for i, (a, b) in enumerate(pairs) for m in ([nn.Linear(a, b)] + ([nn.ReLU()] if i < len(pairs) - 1 else []))])
        x = torch.randn(2048, spec["features"], generator=gen)
        return model, x, torch.randn(2048, 1, generator=gen), nn.MSELoss()
    if spec["kind"] == "lstm":
        x = torch.rand(2048, spec["seqLength"], 2, generator=gen)
        return (lambda: LastState(nn.LSTM(2, spec["units"], batch_first=True), spec["units"])), x, torch.rand(2048, 1, generator=gen), nn.MSELoss()
    f, s = spec["filters"], spec["size"]
    x = torch.randn(1024, 1, s, s, generator=gen)
    model = lambda: nn.Sequential(nn.Conv2d(1, f, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(f * (s // 2) ** 2, 4))
    return model, x, torch.randint(0, 4, (1024,), generator=gen), nn.CrossEntropyLoss()


def step(model, opt, loss_fn, xb, yb, clip: bool) -> tuple:
    """One timed optimizer step; returns its (wall, thread CPU) times in ms."""
    t0, c0 = time.perf_counter(), time.thread_time()
    opt.zero_grad(set_to_none=True)
    loss = loss_fn(model(xb), yb)
    loss.backward()
    if clip:
        torch.nn.utils.clip_grad_norm_(model.parameters(), MAX_NORM)
    opt.step()
    return (time.perf_counter() - t0) * 1000, (time.thread_time() - c0) * 1000


def bench(kind: str, steps: int) -> dict:
    """Median ms per step with and without clip_grad_norm_, interleaved step by step.

    Wall time, and CPU time of this thread (immune to preemption on a shared machine)."""
    gen = torch.Generator().manual_seed(7)
    factory, x, y, loss_fn = make_case(kind, gen)
    return bench_pair(factory, x, y, loss_fn, gen, steps, BATCH)


def bench_rung(rung: dict, steps: int, warmup: int) -> dict:
    """Median wall and thread-CPU ms of a ladder rung's clipped step."""
    gen = torch.Generator().manual_seed(7)
    factory, x, y, loss_fn = make_rung(rung["spec"], gen)
    torch.manual_seed(7)
    model = factory()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    times = []
    for i in range(warmup + steps):
        idx = torch.randint(0, x.shape[0], (rung["batch"],), generator=gen)
        t = step(model, opt, loss_fn, x[idx], y[idx], True)
        if i >= warmup:
            times.append(t)
    print(f"  pytorch {rung['id']}: {statistics.median(t[0] for t in times):.2f} ms/step", file=sys.stderr, flush=True)
    return {"stepMs": statistics.median(t[0] for t in times), "stepCpuMs": statistics.median(t[1] for t in times)}


def bench_pair(factory, x, y, loss_fn, gen, steps: int, batch: int) -> dict:
    """bench()'s interleaved clipped and unclipped copies of one model."""
    torch.manual_seed(7)
    clipped, plain = factory(), factory()
    opt_c = torch.optim.Adam(clipped.parameters(), lr=LR)
    opt_p = torch.optim.Adam(plain.parameters(), lr=LR)
    times_c, times_p = [], []
    for i in range(WARMUP + steps):
        idx = torch.randint(0, x.shape[0], (batch,), generator=gen)
        xb, yb = x[idx], y[idx]
        tc = step(clipped, opt_c, loss_fn, xb, yb, True)
        tp = step(plain, opt_p, loss_fn, xb, yb, False)
        if i >= WARMUP:
            times_c.append(tc)
            times_p.append(tp)
    med = lambda xs, k: statistics.median(x[k] for x in xs)
    return {"stepMs": med(times_c, 0), "plainStepMs": med(times_p, 0), "stepCpuMs": med(times_c, 1), "plainStepCpuMs": med(times_p, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument("--steps", type=int, default=200, help="timed steps per model")
    parser.add_argument("--models", default="mlp,rnn,lstm,gru,cnn")
    parser.add_argument("--rungs", help="JSON list of the size ladder's rungs ({id, batch, spec}); replaces --models")
    parser.add_argument("--warmup", type=int, default=WARMUP, help="untimed steps per rung (--rungs only)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    if args.rungs:
        rungs = {r["id"]: bench_rung(r, args.steps, args.warmup) for r in json.loads(args.rungs)}
        print(json.dumps({"available": True, "torchVersion": torch.__version__, "threads": torch.get_num_threads(), "rungs": rungs}))
        return
    results = {kind: bench(kind, args.steps) for kind in args.models.split(",") if kind}
    if args.json:
        print(json.dumps({"available": True, "torchVersion": torch.__version__, "threads": torch.get_num_threads(), "models": results}))
        return
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s), batch {BATCH}, Adam lr {LR}")
    for kind, r in results.items():
        print(f"{kind:5s} clip_grad_norm_ {r['stepMs']:7.3f} ms/step (cpu {r['stepCpuMs']:7.3f})   no clip {r['plainStepMs']:7.3f} ms/step (cpu {r['plainStepCpuMs']:7.3f})")


if __name__ == "__main__":
    sys.exit(main())
