"""stableadamw_sequence cases: Wortsman's StableAdamWUnfused (the paper authors' code, as
optimi keeps it for its tests) run step by step on scripted float32 gradients of four
tensors, weight decay 0 (tfjs's Adam has none).

Per step the file holds the gradients (inputs.grads) and, from the optimizer: the
parameters after the step, and each tensor's update RMS and learning rate. The optimizer
keeps RMS local to `step()`, so the generator evaluates the class's own expression,
sqrt(mean(g² / max(u, eps²))), on the same tensors after the step (u = its exp_avg_sq),
and lr_t = lr / max(1, rms / clip_thresh); it then checks that redoing the step's parameter
update with that lr_t reproduces the class's parameters bit for bit.
"""
import numpy as np
import torch

from encode import number, tensor

SHAPES = [(3, 4), (4,), (4, 2), (2,)]
SCALES = [0.5, 0.1, 0.3, 1e-8]


def gradients(seed, steps, spikes=()):
    """Float32 gradients per step, N(0, 1)·scale (tensor 3 stays below eps, so max(u, eps²)
    decides its RMS); `spikes` multiply tensor t at step s by f ((s, t, f) triples)."""
    rng = np.random.default_rng(seed)
    out = [[(rng.normal(0, 1, shape) * scale).astype(np.float32) for shape, scale in zip(SHAPES, SCALES)] for _ in range(steps)]
    for s, t, f in spikes:
        out[s][t] = (out[s][t] * np.float32(f)).astype(np.float32)
    return out


def run_reference(StableAdamW, init, steps, p):
    params = [torch.nn.Parameter(torch.tensor(w, dtype=torch.float32)) for w in init]
    opt = StableAdamW(params, lr=p["lr"], weight_decay=p["weight_decay"], betas=tuple(p["betas"]), eps=p["eps"], clip_thresh=p["clip_thresh"])
    rows = []
    for step in steps:
        before = [q.detach().clone() for q in params]
        for q, g in zip(params, step):
            q.grad = torch.tensor(g, dtype=torch.float32)
        opt.step()
        rms, lrs = [], []
        for q, w0 in zip(params, before):
            state, g = opt.state[q], q.grad.data
            u, v = state["exp_avg_sq"], state["exp_avg"]
            r = torch.div(g.pow(2), torch.maximum(u, (p["eps"] ** 2) * torch.ones_like(u))).mean().sqrt().item()
            lr = p["lr"] * (1.0 / max(1.0, r / p["clip_thresh"]))
            redo = w0.clone().mul_(1.0 - lr * p["weight_decay"]).addcdiv_(v, u.sqrt().add_(p["eps"]), value=-lr)
            if not torch.equal(redo, q.detach()):
                raise SystemExit("stableadamw: redoing the update with the recomputed lr does not reproduce the class")
            rms.append(r)
            lrs.append(lr)
        rows.append(dict(params=[q.detach().clone() for q in params], rms=rms, lr=lrs))
    return rows


# (name, params, steps, spikes, note)
CASES = [
    ("tfjs-adam-defaults", dict(lr=1e-3, betas=[0.9, 0.999], eps=1e-7, clip_thresh=1.0), 30, [(10, 0, 30), (11, 0, 30), (20, 2, 100)], "tfjs's Adam hyperparameters (gclip's default optimizer)"),
    ("reference-defaults", dict(lr=2e-3, betas=[0.9, 0.99], eps=1e-6, clip_thresh=1.0), 30, [(5, 1, 50), (25, 0, 10)], "the reference's betas and eps"),
    ("max-rms-half", dict(lr=1e-3, betas=[0.9, 0.999], eps=1e-7, clip_thresh=0.5), 20, [(12, 2, 20)], "clip_thresh 0.5: lr_t = lr / max(1, 2·rms)"),
]


def build(StableAdamW):
    cases = []
    for n, (name, options, count, spikes, note) in enumerate(CASES):
        p = {**options, "weight_decay": 0.0}
        rng = np.random.default_rng(3000 + n)
        init = [rng.normal(0, 0.5, shape).astype(np.float32) for shape in SHAPES]
        steps = gradients(3100 + n, count, spikes)
        rows = run_reference(StableAdamW, init, steps, p)
        clipped = sum(r > p["clip_thresh"] for row in rows for r in row["rms"])
        cases.append({
            "id": f"extra-stableadamw-{name}",
            "strategy": "stableadamw_sequence",
            "reference": "Wortsman et al. 2023 StableAdamWUnfused (optimi tests/reference), float32 on CPU",
            "params": p,
            "inputs": {"params": [tensor(w) for w in init], "grads": [[tensor(g) for g in step] for step in steps]},
            "expected": {
                "params": [[tensor(w) for w in r["params"]] for r in rows],
                "rms": [[number(x) for x in r["rms"]] for r in rows],
                "lr": [[number(x) for x in r["lr"]] for r in rows],
            },
            "tags": ["update-clip"],
            "notes": f"{note}; {clipped} of {count * len(SHAPES)} tensor-steps have rms > clip_thresh",
        })
    return cases
