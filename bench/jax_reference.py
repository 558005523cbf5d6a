#!/usr/bin/env python3
"""JAX + optax reference for gclip's size ladder (issue #22).

Builds each rung's model with the shapes gclip's ladder uses (src/bench/ladder.ts, which
passes them as JSON) and times one jitted training step: forward, loss, grad,
optax.chain(clip_by_global_norm(1.0), adam(1e-3)), apply_updates, float32.

  mlp   dense features -> hidden... (ReLU) -> 1, MSE on N(0, 1) regression data
  lstm  LSTM(units) over the adding problem (2 inputs, T steps; tanh cell, hard-sigmoid
        gates as tfjs-layers' default, forget bias 1), last state -> dense 1, MSE
  cnn   conv filters x 3 x 3 ('SAME', ReLU) -> 2 x 2 max pool -> dense over 4 classes,
        softmax cross-entropy on size x size x 1 images

Threads are set by the caller, before jax loads: one thread with
XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" (and taskset),
all threads with neither.

Usage: python3 bench/jax_reference.py --rungs '[{"id": "mlp-10k", "batch": 128, "spec":
{"kind": "mlp", "features": 64, "hidden": [96, 48]}}, ...]' [--steps N] [--warmup W]
Prints one JSON line: {"available": true, "jax": ..., "optax": ..., "xlaFlags": ...,
"rungs": {"mlp-10k": {"stepMs": ..., "stepCpuMs": ..., "compileMs": ...}, ...}}; without
jax or optax, {"available": false, "reason": ...} and exit 0.
"""
import argparse
import json
import os
import statistics
import sys
import time

N_BATCHES = 8


def init_dense(key, fan_in, fan_out):
    import jax
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    return {"w": jax.random.uniform(key, (fan_in, fan_out), minval=-limit, maxval=limit), "b": jax.numpy.zeros((fan_out,))}


def dense(p, x):
    return x @ p["w"] + p["b"]


def build(spec, key):
    """(params, apply(params, x) -> output, loss(out, y), batch maker(key, batch) -> (x, y))."""
    import jax
    import jax.numpy as jnp
    import optax
    keys = jax.random.split(key, 8)
    mse = lambda out, y: jnp.mean((out - y) ** 2)
    if spec["kind"] == "mlp":
        widths = [spec["features"], *spec["hidden"], 1]
        params = [init_dense(keys[i], a, b) for i, (a, b) in enumerate(zip(widths, widths[1:]))]

        def apply(ps, x):
            for p in ps[:-1]:
                x = jax.nn.relu(dense(p, x))
            return dense(ps[-1], x)

        data = lambda k, b: (jax.random.normal(k, (b, spec["features"])), jax.random.normal(jax.random.fold_in(k, 1), (b, 1)))
        return params, apply, mse, data
    if spec["kind"] == "lstm":
        u, t = spec["units"], spec["seqLength"]
        params = {
            "kernel": init_dense(keys[0], 2, 4 * u)["w"],
            "recurrent": init_dense(keys[1], u, 4 * u)["w"],
            "bias": jnp.zeros((4 * u,)).at[u:2 * u].set(1.0),
            "head": init_dense(keys[2], u, 1),
        }
        hard_sigmoid = lambda z: jnp.clip(0.2 * z + 0.5, 0.0, 1.0)

        def apply(p, x):
            xw = jnp.einsum("btf,fg->tbg", x, p["kernel"]) + p["bias"]

            def cell(carry, xt):
                h, c = carry
                z = xt + h @ p["recurrent"]
                i, f, g, o = jnp.split(z, 4, axis=-1)
                c = hard_sigmoid(f) * c + hard_sigmoid(i) * jnp.tanh(g)
                h = hard_sigmoid(o) * jnp.tanh(c)
                return (h, c), None

            zeros = jnp.zeros((x.shape[0], u))
            (h, _), _ = jax.lax.scan(cell, (zeros, zeros), xw)
            return dense(p["head"], h)

        def data(k, b):
            values = jax.random.uniform(k, (b, t))
            marks = jax.nn.one_hot(jax.random.randint(jax.random.fold_in(k, 1), (b, 2), 0, t), t).sum(axis=1)
            return jnp.stack([values, marks], axis=-1), (values * marks).sum(axis=1, keepdims=True)

        return params, apply, mse, data
    f, s = spec["filters"], spec["size"]
    params = {"conv": {"w": jax.random.normal(keys[0], (3, 3, 1, f)) * (2.0 / 9) ** 0.5, "b": jnp.zeros((f,))}, "head": init_dense(keys[1], (s // 2) ** 2 * f, 4)}

    def apply(p, x):
        y = jax.lax.conv_general_dilated(x, p["conv"]["w"], (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC")) + p["conv"]["b"]
        y = jax.lax.reduce_window(jax.nn.relu(y), -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        return dense(p["head"], y.reshape(y.shape[0], -1))

    ce = lambda out, y: optax.softmax_cross_entropy_with_integer_labels(out, y).mean()
    data = lambda k, b: (jax.random.normal(k, (b, s, s, 1)), jax.random.randint(jax.random.fold_in(k, 1), (b,), 0, 4))
    return params, apply, ce, data


def bench(rung, steps, warmup):
    """Median wall and process-CPU ms of the jitted step, and the first call's (compile) ms."""
    import jax
    import optax
    params, apply, loss_fn, data = build(rung["spec"], jax.random.PRNGKey(7))
    opt = optax.chain(optax.clip_by_global_norm(1.0), optax.adam(1e-3))
    state = opt.init(params)

    @jax.jit
    def step(params, state, x, y):
        loss, grads = jax.value_and_grad(lambda p: loss_fn(apply(p, x), y))(params)
        updates, state = opt.update(grads, state, params)
        return optax.apply_updates(params, updates), state, loss

    batches = [data(jax.random.PRNGKey(100 + i), rung["batch"]) for i in range(N_BATCHES)]
    jax.block_until_ready(batches)
    t0 = time.perf_counter()
    params, state, loss = step(params, state, *batches[0])
    loss.block_until_ready()
    compile_ms = (time.perf_counter() - t0) * 1000
    wall, cpu = [], []
    for i in range(warmup + steps):
        w0, c0 = time.perf_counter(), time.process_time()
        params, state, loss = step(params, state, *batches[i % N_BATCHES])
        loss.block_until_ready()
        if i >= warmup:
            wall.append((time.perf_counter() - w0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    return {"stepMs": statistics.median(wall), "stepCpuMs": statistics.median(cpu), "compileMs": compile_ms}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rungs", required=True, help="JSON list of {id, batch, spec}")
    parser.add_argument("--steps", type=int, default=50, help="timed steps per rung")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps after the compiling one")
    args = parser.parse_args()
    try:
        import jax
        import optax
    except ImportError as e:
        print(json.dumps({"available": False, "reason": f"{e.name} is not installed (python3 -m pip install jax optax)"}))
        return 0
    jax.config.update("jax_platforms", "cpu")
    results = {}
    for rung in json.loads(args.rungs):
        results[rung["id"]] = bench(rung, args.steps, args.warmup)
        print(f"  jax {rung['id']}: {results[rung['id']]['stepMs']:.2f} ms/step", file=sys.stderr, flush=True)
    print(json.dumps({"available": True, "jax": jax.__version__, "optax": optax.__version__, "xlaFlags": os.environ.get("XLA_FLAGS", ""), "rungs": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
