"""Loads the reference implementations the extra golden cases are generated from.

The reference sources are not part of gclip (their code is never copied into the repo):
`fetch_refs.sh` checks them out at the pinned commits below into a directory, and the
generator loads them from there. Each loader makes the smallest change that lets the
reference run on a CPU-only, single-process Debian PyTorch 1.13, and says what it changed.
"""
import hashlib
import os
import re
import tempfile
import types
from collections import defaultdict

import torch

# Where each reference comes from. `sha256` is of the text the loader executes (after
# extraction, before the substitutions), so a re-fetched copy can be checked.
REFERENCES = {
    "zclip": {
        "repo": "bluorion-com/ZClip",
        "commit": "584ce4f5a4aabab59e7df1dbaffc26a44df39dc1",
        "path": "zclip/zclip.py",
        "file": "zclip.py",
    },
    "adagc": {
        "repo": "lishuai-97/AdaGC",
        "commit": "32c249fa365e08169779d63d416bfa76c2be31fc",
        "path": "megatron-gpt2.patch (the added megatron/optimizer/clip_grads.py, class AdaGC)",
        "file": "megatron-gpt2.patch",
    },
    "stableadamw": {
        "repo": "warner-benjamin/optimi",
        "commit": "17a3d5422f3e41bb8973e1e4c9b39206c0d93b6d",
        "path": "tests/reference/stableadamwunfused.py (Mitchell Wortsman's StableAdamWUnfused, gist version 2)",
        "file": "stableadamwunfused.py",
    },
}


def _read(refs_dir, key):
    path = os.path.join(refs_dir, REFERENCES[key]["file"])
    with open(path, encoding="utf-8") as f:
        return f.read()


def _sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_zclip(refs_dir):
    """The ZClip class. Debian's torch 1.13 cannot import FSDP (a dataclass error at import
    time), so that one import line is replaced by a stand-in class; the models used here are
    never FSDP-wrapped, so the class takes its non-distributed path unchanged."""
    text = _read(refs_dir, "zclip")
    fsdp_import = "from torch.distributed.fsdp import FullyShardedDataParallel as FSDP"
    if fsdp_import not in text:
        raise SystemExit("zclip.py: the FSDP import line moved; update refs.load_zclip")
    source = text.replace(fsdp_import, "class FSDP:  # stand-in: the real import fails on Debian's torch 1.13\n    pass")
    namespace = {"__name__": "zclip_reference"}
    exec(compile(source, "zclip.py", "exec"), namespace)
    return namespace["ZClip"], _sha(text)


def _added_lines(patch, target):
    """The '+' lines of `target`'s section of a unified diff, without the '+'."""
    out, inside = [], False
    for line in patch.splitlines():
        if line.startswith("diff --git "):
            inside = line.endswith(f" b/{target}")
            continue
        if inside and line.startswith("+") and not line.startswith("+++"):
            out.append(line[1:])
    return out


def _top_level_block(lines, header):
    """The lines of the top-level statement starting with `header` (up to the next one)."""
    start = next((i for i, l in enumerate(lines) if l.startswith(header)), None)
    if start is None:
        raise SystemExit(f"patch: no line starting with {header!r}")
    end = start + 1
    while end < len(lines) and (lines[end] == "" or lines[end][0] in " \t"):
        end += 1
    return "\n".join(lines[start:end]) + "\n"


class _AmpC:
    """Names of apex's fused kernels, as `multi_tensor_applier` receives them."""
    multi_tensor_l2norm = "multi_tensor_l2norm"
    multi_tensor_scale = "multi_tensor_scale"


def _multi_tensor_applier(op, _overflow_buf, tensor_lists, *args):
    """apex's two fused kernels the class calls, as float32 torch ops: the L2 norm of all
    tensors together (returned as a one-element tensor, per-tensor norms off) and
    out = in * scale (scale rounded to float32, as the CUDA kernel's float argument)."""
    if op == _AmpC.multi_tensor_l2norm:
        flat = torch.cat([t.reshape(-1) for t in tensor_lists[0]])
        return torch.norm(flat, 2).reshape(1), None
    if op == _AmpC.multi_tensor_scale:
        scale = args[0]
        for src, dst in zip(tensor_lists[0], tensor_lists[1]):
            dst.copy_(src * scale)
        return None
    raise SystemExit(f"multi_tensor_applier: unexpected kernel {op}")


_dist_ready = False


def _single_process_group():
    """A real one-process gloo group, so the class's all_reduce calls run (as identities)."""
    global _dist_ready
    if not _dist_ready:
        store = tempfile.NamedTemporaryFile(prefix="gclip-golden-dist-", delete=False).name
        torch.distributed.init_process_group("gloo", init_method=f"file://{store}", rank=0, world_size=1)
        _dist_ready = True


def load_adagc(refs_dir):
    """The AdaGC class of the Megatron patch. Changes: the device names `torch.cuda.FloatTensor`
    and `torch.cuda.IntTensor` become their CPU names (the class asserts CUDA gradients), apex's
    `multi_tensor_applier` is the float32 stand-in above, `print_rank_0` prints nothing, and
    torch.distributed runs a one-process group. Tensor-parallel attributes are never set, so
    the `mpu` branch is not taken."""
    text = _top_level_block(_added_lines(_read(refs_dir, "adagc"), "megatron/optimizer/clip_grads.py"), "class AdaGC(")
    source = text.replace("torch.cuda.FloatTensor", "torch.FloatTensor").replace("torch.cuda.IntTensor", "torch.IntTensor")
    _single_process_group()
    namespace = {
        "torch": torch,
        "inf": float("inf"),
        "os": os,
        "defaultdict": defaultdict,
        "print_rank_0": lambda *a, **k: None,
        "mpu": types.SimpleNamespace(),
        "multi_tensor_applier": _multi_tensor_applier,
        "amp_C": _AmpC,
    }
    exec(compile(source, "clip_grads.py (AdaGC)", "exec"), namespace)
    return namespace["AdaGC"], _sha(text)


def load_stableadamw(refs_dir):
    """Wortsman's StableAdamWUnfused, executed as is (it prints one line when built)."""
    text = _read(refs_dir, "stableadamw")
    if not re.search(r"class StableAdamWUnfused\(", text):
        raise SystemExit("stableadamwunfused.py: class StableAdamWUnfused not found")
    namespace = {"__name__": "stableadamw_reference"}
    exec(compile(text, "stableadamwunfused.py", "exec"), namespace)
    return namespace["StableAdamWUnfused"], _sha(text)
