#!/usr/bin/python3
"""Write the model tables of testmodels/README.md from manifest.json and crosscheck/results.json.

    /usr/bin/python3 testmodels/gen/report.py            # rewrite the tables in README.md
    /usr/bin/python3 testmodels/gen/report.py --print    # print them instead

The tables sit between the markers <!-- models:begin --> and <!-- models:end -->.
"""

import argparse
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
BEGIN, END = "<!-- models:begin -->", "<!-- models:end -->"


def fmt_miss(b, mode):
    if mode not in b:
        return "n/a"
    return f"{b[mode]['min_miss']:.3f}"


def tables(manifest, results):
    order = ["bert", "gpt2", "gpt2_kv", "vit", "llama", "whisper", "torch_encoder"]
    names = sorted(manifest, key=lambda n: (order.index(manifest[n]["family"]), manifest[n]["opset"]))
    out = []
    out.append("| model | opset | nodes | top ops (count) | params | model.onnx | onnxruntime worst rel err "
               "| broken: uniform attn | broken: mask ignored |")
    out.append("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for n in names:
        m = manifest[n]
        top = ", ".join(f"{k} {v}" for k, v in list(m["ops"].items())[:6])
        ort = results.get(n, {}).get("worst")
        ort_s = f"{ort:.1e}" if ort is not None else "not run"
        params = f"{m['params']:,}"
        if m["onnx_params"] != m["params"]:
            params += f" ({m['onnx_params']:,} in ONNX)"
        out.append(f"| `{n}` | {m['opset']} | {m['nodes']} | {top} | {params} | {m['model_bytes'] / 1024:.0f} KiB "
                   f"| {ort_s} | {fmt_miss(m['broken_attention'], 'uniform')} "
                   f"| {fmt_miss(m['broken_attention'], 'nomask')} |")
    out.append("")
    out.append("Architectures:")
    out.append("")
    seen = set()
    for n in names:
        m = manifest[n]
        if m["family"] in seen:
            continue
        seen.add(m["family"])
        shapes = "; ".join(f"`{k}` {m['input_dtypes'][k]} {' / '.join('x'.join(map(str, s)) for s in v)}"
                           for k, v in m["inputs"].items())
        line = f"- **{m['family']}**: {m['arch']}. Inputs (set 0 / set 1): {shapes}."
        if m.get("notes"):
            line += f" Note: {m['notes']}."
        out.append(line)
    out.append("")
    out.append("Distinct op types per model (all in the default ONNX domain):")
    out.append("")
    out.append("| model | op types |")
    out.append("| --- | --- |")
    for n in names:
        out.append(f"| `{n}` | {', '.join(sorted(manifest[n]['ops']))} |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--print", action="store_true")
    a = ap.parse_args()
    with open(os.path.join(ROOT, "manifest.json")) as f:
        manifest = json.load(f)
    results = {}
    rp = os.path.join(ROOT, "crosscheck", "results.json")
    if os.path.exists(rp):
        with open(rp) as f:
            results = json.load(f)["results"]
    t = tables(manifest, results)
    if a.print:
        print(t)
        return
    readme = os.path.join(ROOT, "README.md")
    with open(readme) as f:
        s = f.read()
    i, j = s.index(BEGIN), s.index(END)
    s = s[: i + len(BEGIN)] + "\n" + t + s[j:]
    with open(readme, "w") as f:
        f.write(s)


if __name__ == "__main__":
    main()
