#!/usr/bin/python3
"""Cross-check the golden test models against onnxruntime 1.30 (CPU).

    cd testmodels/crosscheck && npm install --ignore-scripts    # once: onnxruntime-node 1.30.0
    /usr/bin/python3 testmodels/crosscheck/crosscheck.py [--models DIR] [--json results.json]

Every testmodels/<name>/model.onnx runs on every test_data_set_N through
onnxruntime-node (run_ort.js), once with graph optimisations disabled and once
with all of them, one thread. Each output is compared with the PyTorch golden by

    rel error = max|a - b| / max(max|b|, 1e-6)      (a = onnxruntime, b = golden)

and the worst value per model is reported (and written to results.json).
Exit status 1 if any rel error exceeds --tol (default 1e-4).
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))

NP_DTYPES = {"float32": np.float32, "float64": np.float64, "int64": np.int64, "int32": np.int32,
             "int8": np.int8, "uint8": np.uint8, "bool": np.bool_}


def rel_error(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    if b.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-6))


def read_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t.name, numpy_helper.to_array(t)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=os.path.normpath(os.path.join(HERE, "..")))
    ap.add_argument("--json", default=os.path.join(HERE, "results.json"))
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--node", default="node")
    a = ap.parse_args()

    model_dirs = sorted(d for d in glob.glob(os.path.join(a.models, "*")) if os.path.isfile(os.path.join(d, "model.onnx")))
    with tempfile.TemporaryDirectory() as tmp:
        cases, meta = [], []
        for md in model_dirs:
            name = os.path.basename(md)
            for sd in sorted(glob.glob(os.path.join(md, "test_data_set_*"))):
                inputs = []
                for k in range(len(glob.glob(os.path.join(sd, "input_*.pb")))):
                    n, arr = read_pb(os.path.join(sd, f"input_{k}.pb"))
                    f = os.path.join(tmp, f"{name}_{os.path.basename(sd)}_in{k}.bin")
                    np.ascontiguousarray(arr).tofile(f)
                    inputs.append({"name": n, "dtype": str(arr.dtype) if arr.dtype != np.bool_ else "bool",
                                   "dims": list(arr.shape), "file": f})
                for opt in ("disabled", "all"):
                    out_dir = os.path.join(tmp, f"{name}_{os.path.basename(sd)}_{opt}")
                    cases.append({"model": os.path.join(md, "model.onnx"), "opt": opt,
                                  "inputs": inputs, "out_dir": out_dir})
                    meta.append((name, os.path.basename(sd), opt, sd, out_dir))
        job = os.path.join(tmp, "job.json")
        with open(job, "w") as f:
            json.dump({"cases": cases}, f)
        subprocess.run([a.node, os.path.join(HERE, "run_ort.js"), job], check=True, cwd=HERE)

        results = {}
        for name, sname, opt, sd, out_dir in meta:
            with open(os.path.join(out_dir, "outputs.json")) as f:
                outs = json.load(f)
            errs = {}
            for k in range(len(glob.glob(os.path.join(sd, "output_*.pb")))):
                gname, gold = read_pb(os.path.join(sd, f"output_{k}.pb"))
                o = outs[k]
                if o["name"] != gname:
                    raise RuntimeError(f"{name}/{sname}: output {k} is {o['name']}, golden names {gname}")
                got = np.fromfile(o["file"], dtype=NP_DTYPES[o["dtype"]]).reshape(o["dims"])
                errs[gname] = rel_error(got, gold)
            r = results.setdefault(name, {"worst": 0.0, "sets": {}})
            r["sets"].setdefault(sname, {})[opt] = errs
            r["worst"] = max(r["worst"], max(errs.values()))

    bad = []
    print(f"{'model':22s} {'worst rel error':>16s}   per set (opt disabled / all)")
    for name, r in results.items():
        per = "  ".join(f"{s}: {max(v['disabled'].values()):.2e}/{max(v['all'].values()):.2e}"
                        for s, v in sorted(r["sets"].items()))
        print(f"{name:22s} {r['worst']:16.3e}   {per}")
        if not r["worst"] <= a.tol:
            bad.append(name)
    with open(a.json, "w") as f:
        json.dump({"onnxruntime": "1.30.0 (onnxruntime-node, CPU, 1 thread)",
                   "metric": "max|a-b| / max(max|b|, 1e-6), a = onnxruntime, b = PyTorch golden",
                   "results": results}, f, indent=1, sort_keys=True)
        f.write("\n")
    if bad:
        print(f"FAIL: rel error above {a.tol}: {' '.join(bad)}")
        sys.exit(1)
    print(f"OK: {len(results)} models within {a.tol}")


if __name__ == "__main__":
    main()
