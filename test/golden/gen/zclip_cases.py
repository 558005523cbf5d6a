"""zclip_sequence cases for every option of the reference ZClip class (mode percentile,
clip_option mean, clip_factor, skip_update_on_spike, the cap), from a float64 simulation that
is checked against the real class on every step before it is written.

The simulation is written from the reference's rules (clipping-reference.md section 6), not
from its code. The real class runs on a one-parameter model whose gradient is the step's
norm (a float32 value, so the class's float32 norm is exactly that value). The check: the
class's mean and var after every step equal the simulation's bit for bit (NaN for NaN), and
the factor it applied to the gradient is the simulation's coef within 3e-7 relative (the
class multiplies in float32; in the warm-up the cap goes through torch's clip_grad_norm_).
"""
import math

import numpy as np
import torch

from encode import f32, number

EPS = 1e-6
DEFAULTS = dict(alpha=0.97, z_thresh=2.5, max_grad_norm=None, eps=EPS, warmup_steps=25,
                mode="zscore", clip_option="adaptive_scaling", clip_factor=1.0, skip_update_on_spike=False)


def _warmup_row(buffer_len, g, p):
    cap = p["max_grad_norm"]
    coef = 1.0 if cap is None else min(cap / (g + 1e-6), 1.0)
    phase = "warmup_init" if buffer_len >= p["warmup_steps"] else "warmup"
    return dict(phase=phase, mean_before=None, std_before=None, z=None, spike=False, clip_val=None,
                effective_threshold=cap, coef=coef, clipped_norm=g * coef)


def _spike(g, mean, std, p):
    """(z, spike, clip value) of an active step."""
    if p["mode"] == "percentile":
        band = mean + p["z_thresh"] * std
        return None, g > band, (band if g > band else None)
    z = (g - mean) / (std + p["eps"])
    if not z > p["z_thresh"]:
        return z, False, None
    if p["clip_option"] == "mean":
        return z, True, mean
    return z, True, (mean + p["z_thresh"] * std / (z / p["z_thresh"])) * p["clip_factor"]


def simulate(seq, p):
    """Per-step rows (the fields of the public zclip_sequence cases), float64."""
    buffer, mean, var, rows = [], None, None, []
    for g in seq:
        if mean is None:
            buffer.append(g)
            row = _warmup_row(len(buffer), g, p)
            if len(buffer) >= p["warmup_steps"]:
                mean = sum(buffer) / len(buffer)
                var = sum((x - mean) ** 2 for x in buffer) / len(buffer)
            rows.append({**row, "mean_after": mean, "var_after": var, "ema_updated": False})
            continue
        std = var ** 0.5
        z, spike, clip_val = _spike(g, mean, std, p)
        adaptive = clip_val if clip_val is not None else g
        eff = adaptive if p["max_grad_norm"] is None else min(adaptive, p["max_grad_norm"])
        coef = eff / (g + 1e-6) if g > eff else 1.0
        row = dict(phase="active", mean_before=mean, std_before=std, z=z, spike=spike, clip_val=clip_val,
                   effective_threshold=eff, coef=coef, clipped_norm=g * coef)
        updated = not (clip_val is not None and p["skip_update_on_spike"])
        if updated:
            x = clip_val if clip_val is not None else g
            mean = p["alpha"] * mean + (1 - p["alpha"]) * x
            var = p["alpha"] * var + (1 - p["alpha"]) * (x - mean) ** 2
        rows.append({**row, "mean_after": mean, "var_after": var, "ema_updated": updated})
    return rows


def _same(a, b):
    if a is None or b is None:
        return a is b
    return (math.isnan(a) and math.isnan(b)) or a == b


def check_against_reference(ZClip, seq, p, rows):
    """Runs the real class over `seq`; raises when it disagrees with the simulation."""
    zc = ZClip(**p)
    model = torch.nn.Linear(1, 1, bias=False)
    for i, (g, row) in enumerate(zip(seq, rows)):
        model.weight.grad = torch.tensor([[g]], dtype=torch.float32)
        zc.step(model)
        if not (_same(zc.mean, row["mean_after"]) and _same(zc.var, row["var_after"])):
            raise SystemExit(f"zclip step {i}: class mean/var {zc.mean}/{zc.var} != simulation {row['mean_after']}/{row['var_after']}")
        after = float(model.weight.grad[0, 0])
        if math.isfinite(g) and g > 0:
            applied = after / g
            if abs(applied - row["coef"]) > 3e-7 * row["coef"] + 1e-12:
                raise SystemExit(f"zclip step {i}: class applied {applied}, simulation coef {row['coef']}")


def norms(seed, steps=100, spikes=(), special=()):
    """A drifting sequence of float32 norms near 0.45 with multiplicative spikes and
    special values ((step, value) pairs such as inf or NaN)."""
    rng = np.random.default_rng(seed)
    drift = np.exp(np.cumsum(rng.normal(0, 0.015, steps)))
    seq = 0.45 * drift * (1 + 0.06 * rng.normal(0, 1, steps))
    for step, factor in spikes:
        seq[step] *= factor
    out = [f32(x) for x in seq]
    for step, value in special:
        out[step] = value
    return out


def margin(seq, rows, p):
    """Smallest relative distance of an active step with finite numbers from its spike test."""
    best = math.inf
    for g, r in zip(seq, rows):
        if r["phase"] != "active" or not (math.isfinite(g) and math.isfinite(r["mean_before"])):
            continue
        if p["mode"] == "percentile":
            band = r["mean_before"] + p["z_thresh"] * r["std_before"]
            best = min(best, abs(g - band) / band)
        else:
            best = min(best, abs(r["z"] - p["z_thresh"]) / p["z_thresh"])
    return best


# (name, options, spikes, special values, note)
CASES = [
    ("percentile", dict(mode="percentile"), [(12, 5), (40, 3), (41, 2.2), (70, 6)], [], "band mu + z*sigma; the x5 spike at step 12 is inside the warm-up"),
    ("percentile-cap", dict(mode="percentile", max_grad_norm=0.55), [(40, 3), (60, 1.6), (80, 4)], [], "the cap also clips in the warm-up (torch clip_grad_norm_) and wins when below the band"),
    ("percentile-skip-update", dict(mode="percentile", skip_update_on_spike=True), [(30, 2.5), (31, 2.5), (55, 4), (90, 8)], [], "spikes leave the EMAs untouched"),
    ("percentile-short-warmup", dict(mode="percentile", warmup_steps=5, alpha=0.9, z_thresh=2.0), [(8, 3), (20, 2), (50, 5)], [], "5-step warm-up, alpha 0.9, z 2"),
    ("percentile-ignores-zscore-options", dict(mode="percentile", clip_option="mean", clip_factor=0.5), [(35, 3), (65, 5)], [], "the reference ignores clip_option and clip_factor in percentile mode"),
    ("zscore-mean", dict(clip_option="mean"), [(33, 3), (60, 6), (61, 2)], [], "spikes are clipped to the EMA mean"),
    ("zscore-clip-factor", dict(clip_factor=0.7), [(30, 2.5), (58, 5), (85, 10)], [], "clip_factor multiplies the whole threshold, mean included"),
    ("zscore-skip-update", dict(skip_update_on_spike=True), [(30, 3), (31, 3), (32, 3), (77, 5)], [], "spikes leave the EMAs untouched"),
    ("zscore-mean-cap-skip", dict(clip_option="mean", max_grad_norm=0.6, skip_update_on_spike=True), [(40, 4), (75, 2)], [], "mean, cap and skip together"),
    ("percentile-nonfinite", dict(mode="percentile"), [(30, 3)], [(45, math.inf), (70, math.nan)], "inf is clipped to the band (coef 0) and the EMA takes the band; NaN is not a spike, the EMAs become NaN for good and only the cap (none here) would still clip"),
    ("zscore-inf", dict(), [(30, 3)], [(50, math.inf)], "inf: z = inf, clipped to mu (coef 0), the EMA takes mu and stays healthy"),
]


def build(ZClip):
    cases = []
    for n, (name, options, spikes, special, note) in enumerate(CASES):
        p = {**DEFAULTS, **options}
        for seed in range(1000 + 17 * n, 1000 + 17 * n + 50):
            seq = norms(seed, spikes=spikes, special=special)
            rows = simulate(seq, p)
            if margin(seq, rows, p) > 1e-4:
                break
        else:
            raise SystemExit(f"zclip case {name}: no seed keeps every active step 1e-4 away from its spike test")
        check_against_reference(ZClip, seq, p, rows)
        expected = {k: [number(r[k]) if isinstance(r[k], float) else r[k] for r in rows] for k in rows[0]}
        cases.append({
            "id": f"extra-zclip-{name}",
            "strategy": "zclip_sequence",
            "reference": "float64 simulation of bluorion-com/ZClip zclip/zclip.py, checked step by step against the real class",
            "params": p,
            "inputs": {"sequence": [number(x) for x in seq]},
            "expected": expected,
            "tags": ["zclip", p["mode"]],
            "notes": f"{note}; seed {seed}; min relative margin of an active step to its spike test {margin(seq, rows, p):.3g}",
        })
    return cases
