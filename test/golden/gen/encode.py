"""The golden file encoding (see meta.conventions of the public file): tensors are
{shape, data} in row-major order, non-finite floats are the strings "NaN", "Infinity",
"-Infinity", float32 values are written as the exact doubles they are."""
import math

import numpy as np


SPECIAL = {math.inf: "Infinity", -math.inf: "-Infinity"}


def number(x):
    """A float (or None) as a golden number."""
    if x is None:
        return None
    x = float(x)
    return "NaN" if math.isnan(x) else SPECIAL.get(x, x)


def tensor(a):
    """A numpy array or torch tensor as a golden tensor."""
    arr = np.asarray(a.detach().cpu().numpy() if hasattr(a, "detach") else a)
    return {"shape": list(arr.shape), "data": [number(v) for v in arr.reshape(-1).tolist()]}


def f32(x):
    """Rounds a float to float32 and back to a Python float."""
    return float(np.float32(x))
