"""adagc_sequence cases: the reference AdaGC class (lishuai-97/AdaGC, Megatron patch) run
step by step on scripted float32 gradients of four tensors (a small MLP's shapes).

Per step the file holds the gradients fed in (inputs.grads) and, from the class: the
gradients after clipping, every tensor's EMA gamma after the step (null while the class has
none), the returned total norm and the phase (warm-up while steps <= start_clip_steps).
"""
import math

import numpy as np
import torch

from encode import f32, number, tensor

SHAPES = [(4, 3), (3,), (3, 2), (2,)]
SCALES = [0.4, 0.08, 0.25, 0.03]
DEFAULTS = dict(clip_ratio=1.04, beta=0.99, eps=1e-6, start_clip_steps=100, max_norm=1.0, norm_type=2)


def gradients(seed, steps, spikes=(), special=()):
    """Float32 gradients per step: per tensor N(0, 1)·scale/sqrt(size) with a slow decay,
    `spikes` multiply tensor t at step s by f ((s, t, f) triples), `special` sets one entry
    ((s, t, value) triples: NaN, inf, or 0 for a whole zero tensor)."""
    rng = np.random.default_rng(seed)
    out = []
    for s in range(steps):
        decay = 1.0 / (1.0 + s / 150)
        step = [(rng.normal(0, 1, shape) * scale * decay / math.sqrt(np.prod(shape))).astype(np.float32)
                for shape, scale in zip(SHAPES, SCALES)]
        out.append(step)
    for s, t, f in spikes:
        out[s][t] = (out[s][t] * np.float32(f)).astype(np.float32)
    for s, t, value in special:
        if value == 0:
            out[s][t] = np.zeros_like(out[s][t])
        else:
            out[s][t].reshape(-1)[0] = np.float32(value)
    return out


def run_reference(AdaGC, steps, p):
    """Per-step records of the real class."""
    clipper = AdaGC(clip_ratio=p["clip_ratio"], beta=p["beta"], eps=p["eps"], start_clip_steps=p["start_clip_steps"])
    params = [torch.nn.Parameter(torch.zeros(shape)) for shape in SHAPES]
    rows = []
    for step in steps:
        for param, g in zip(params, step):
            param.grad = torch.tensor(g, dtype=torch.float32)
        total = clipper(params, [q.grad for q in params], p["max_norm"], False, p["norm_type"])
        gamma = [float(clipper.state[q]["norm_value"]) if "norm_value" in clipper.state[q] else None for q in params]
        rows.append(dict(
            phase="warmup" if clipper.steps <= p["start_clip_steps"] else "active",
            total_norm=float(total),
            grads=[q.grad.detach().clone() for q in params],
            gamma=gamma,
        ))
    return rows


def margin(steps, rows, p):
    """Smallest relative distance of an active tensor norm from its threshold ratio·gamma."""
    best, prev = math.inf, None
    for step, row in zip(steps, rows):
        if row["phase"] == "active" and prev is not None:
            for g, gamma in zip(step, prev):
                n = float(np.linalg.norm(g.astype(np.float64)))
                if gamma is not None and math.isfinite(n) and math.isfinite(gamma) and gamma > 0:
                    thr = f32(f32(p["clip_ratio"]) * gamma)
                    best = min(best, abs(n - thr) / thr)
        prev = row["gamma"]
    return best


# (name, options, steps, spikes, special, note)
CASES = [
    ("defaults", dict(), 112, [(103, 0, 6), (106, 2, 3), (110, 1, 10)], [], "the reference defaults: 100 warm-up steps of global clipping to 1.0, then ratio 1.04, beta 0.99"),
    ("short-warmup", dict(start_clip_steps=10), 60, [(20, 0, 4), (21, 0, 4), (30, 3, 8), (45, 1, 2)], [], "spikes hit one tensor at a time: only that tensor is clipped"),
    ("warmup-clips", dict(start_clip_steps=8, max_norm=0.15), 40, [(3, 0, 5), (25, 2, 5)], [], "the global clip is active in the warm-up, so gamma starts at the smallest clipped norm"),
    ("no-warmup", dict(start_clip_steps=0, clip_ratio=1.1, beta=0.95), 40, [(10, 1, 3), (11, 1, 3), (30, 0, 20)], [], "gamma starts at each tensor's first norm (never clipped on its first step)"),
    ("nonfinite", dict(start_clip_steps=5), 30, [(8, 0, 3)], [(12, 1, math.nan), (18, 2, math.inf)], "NaN in tensor 1 at step 12: not clipped, its gamma is NaN for good; inf in tensor 2 at step 18: clipped with coef 0 (the inf entry NaN), gamma takes ratio·gamma"),
    ("zero-in-warmup", dict(start_clip_steps=5), 20, [], [(2, 3, 0)], "tensor 3 is all zeros at warm-up step 2: its gamma (the warm-up minimum) is 0 and every later gradient of it is multiplied by 0"),
]


def build(AdaGC):
    cases = []
    for n, (name, options, count, spikes, special, note) in enumerate(CASES):
        p = {**DEFAULTS, **options}
        for seed in range(2000 + 31 * n, 2000 + 31 * n + 50):
            steps = gradients(seed, count, spikes, special)
            rows = run_reference(AdaGC, steps, p)
            if margin(steps, rows, p) > 1e-5:
                break
        else:
            raise SystemExit(f"adagc case {name}: no seed keeps every active norm 1e-5 away from its threshold")
        cases.append({
            "id": f"extra-adagc-{name}",
            "strategy": "adagc_sequence",
            "reference": "lishuai-97/AdaGC class AdaGC (Megatron patch), run on CPU",
            "params": p,
            "inputs": {"grads": [[tensor(g) for g in step] for step in steps]},
            "expected": {
                "phase": [r["phase"] for r in rows],
                "total_norm": [number(r["total_norm"]) for r in rows],
                "grads": [[tensor(g) for g in r["grads"]] for r in rows],
                "gamma_after": [[number(x) for x in r["gamma"]] for r in rows],
            },
            "tags": ["adagc"],
            "notes": f"{note}; seed {seed}; min relative margin of an active norm to its threshold {margin(steps, rows, p):.3g}",
        })
    return cases
