"""Reads a gclip event directory with TensorBoard's own loading code, for gclip's tests.

Usage: load_with_tensorboard.py TENSORBOARD_PARENT RUN_DIR

TENSORBOARD_PARENT contains the `tensorboard` Python package (source checkout with the
protoc-generated *_pb2.py modules). Without TensorFlow installed, TensorBoard reads records
through `tensorboard.compat.tensorflow_stub`, whose record reader checks both masked CRCs.
Events go through `EventFileLoader` and `plugin_event_accumulator.EventAccumulator`,
which apply `data_compat` (simple_value → scalars plugin, histo → histograms plugin), as
`tensorboard --logdir` does. Prints JSON: {"tf": module, "events": n, "plugins": {tag:
plugin}, "scalars": {tag: [[step, value]]}, "histograms": {tag: [[step, rows]]}};
non-finite values as the strings "NaN", "Infinity", "-Infinity".
"""
import glob
import json
import math
import sys

sys.path.insert(0, sys.argv[1])

from tensorboard.backend.event_processing import event_file_loader  # noqa: E402
from tensorboard.backend.event_processing import plugin_event_accumulator as acc_lib  # noqa: E402
from tensorboard.compat import tf  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402


def num(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def main():
    run_dir = sys.argv[2]
    (path,) = glob.glob(run_dir + "/events.out.tfevents.*")
    loaded = list(event_file_loader.EventFileLoader(path).Load())
    acc = acc_lib.EventAccumulator(run_dir, size_guidance={acc_lib.TENSORS: 0})
    acc.Reload()
    out = {"tf": tf.__name__, "events": len(loaded), "plugins": {}, "scalars": {}, "histograms": {}}
    for tag in acc.Tags()["tensors"]:
        plugin = acc.SummaryMetadata(tag).plugin_data.plugin_name
        out["plugins"][tag] = plugin
        for e in acc.Tensors(tag):
            array = tensor_util.make_ndarray(e.tensor_proto)
            if plugin == "scalars":
                out["scalars"].setdefault(tag, []).append([e.step, num(array)])
            elif plugin == "histograms":
                rows = [[num(x) for x in row] for row in array.tolist()]
                out["histograms"].setdefault(tag, []).append([e.step, rows])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
