"""Shared pieces of the golden test-model generator.

* weight initialisation that makes every part of a tiny model matter,
* the broken-attention switch (``BROKEN``) the model files consult, so that the
  generator can re-run each torch module with uniform attention weights or with
  the mask ignored and prove that the goldens would catch such a bug,
* deterministic ONNX export and TensorProto writing.
"""

import contextlib
import io
import math

import numpy as np
import onnx
from onnx import numpy_helper
import torch

# ---------------------------------------------------------------------------
# Broken-attention switch.
#
# Every attention in the model files computes its scores, then calls
# ``scores_hook(scores)`` and asks ``mask_enabled()`` before it applies a mask.
# In the normal mode both are no-ops at the Python level (they leave no trace
# in the exported graph). The generator flips the mode to
#   "uniform": scores replaced by zeros, so the softmax (over the keys the mask
#              leaves) is uniform;
#   "nomask":  the attention mask (padding or causal) is not applied.
# ---------------------------------------------------------------------------

BROKEN = "normal"


def scores_hook(scores):
    if BROKEN == "uniform":
        return torch.zeros_like(scores)
    return scores


def mask_enabled():
    return BROKEN != "nomask"


@contextlib.contextmanager
def broken(mode):
    global BROKEN
    old = BROKEN
    BROKEN = mode
    try:
        yield
    finally:
        BROKEN = old


# ---------------------------------------------------------------------------
# Initialisation.
# ---------------------------------------------------------------------------


def weight_std(hidden):
    """0.02 at width 768, scaled up as sqrt(768/hidden) for tiny widths.

    With the usual 0.02 at hidden 64 the attention logits are so small that the
    softmax is nearly uniform, and a broken softmax or mask would pass the test.
    """
    return 0.02 * math.sqrt(768.0 / hidden)


def is_norm_param(name):
    parts = name.split(".")
    owner = parts[-2].lower() if len(parts) >= 2 else ""
    return "norm" in owner or owner in ("ln_1", "ln_2", "ln_f")


def init_weights(module, seed, hidden, qk_gain=1.0, embed_std=None):
    """Deterministic random init of every parameter and float buffer marked as learnt.

    * norm gains ~ U(0.5, 1.5), norm shifts ~ N(0, 0.2)
    * matrices / conv kernels / embeddings ~ N(0, std), std = weight_std(hidden)
    * biases ~ N(0, std)
    * query/key projections get ``qk_gain`` times the std (1.0 unless a model
      needs sharper attention).
    """
    g = torch.Generator().manual_seed(seed)
    std = weight_std(hidden)
    if embed_std is None:
        embed_std = std
    with torch.no_grad():
        for name, p in module.named_parameters():
            if is_norm_param(name):
                if name.endswith("weight"):
                    p.copy_(torch.rand(p.shape, generator=g) + 0.5)
                else:
                    p.copy_(torch.randn(p.shape, generator=g) * 0.2)
                continue
            s = std
            leaf = name.split(".")[-2] if "." in name else name
            if "embed" in name or leaf in ("wte", "wpe", "cls_token", "position_embeddings"):
                s = embed_std
            if any(t in name for t in ("query", "key.", "q_proj", "k_proj")):
                s = s * qk_gain
            p.copy_(torch.randn(p.shape, generator=g) * s)


def param_count(module):
    seen = set()
    n = 0
    for p in module.parameters():
        if id(p) in seen:
            continue
        seen.add(id(p))
        n += p.numel()
    return n


# ---------------------------------------------------------------------------
# Export.
# ---------------------------------------------------------------------------


def clean_model(m, doc):
    """Make the exported proto independent of anything but the model itself."""
    for n in m.graph.node:
        n.doc_string = ""
    m.graph.doc_string = ""
    m.doc_string = doc
    m.producer_name = "pytorch"
    m.producer_version = torch.__version__.split("a")[0]
    del m.metadata_props[:]
    m.metadata_props.add(key="generator", value="testmodels/gen/generate.py")
    return m


def export(model, args, input_names, output_names, dynamic_axes, opset, doc):
    f = io.BytesIO()
    torch.onnx.export(
        model,
        args,
        f,
        input_names=input_names,
        output_names=output_names,
        dynamic_axes=dynamic_axes,
        opset_version=opset,
        do_constant_folding=True,
        verbose=False,
    )
    m = onnx.load_from_string(f.getvalue())
    m = clean_model(m, doc)
    onnx.checker.check_model(m)
    got_in = [i.name for i in m.graph.input]
    got_out = [o.name for o in m.graph.output]
    if got_in != list(input_names):
        raise RuntimeError(f"graph inputs {got_in} != {input_names}")
    if got_out != list(output_names):
        raise RuntimeError(f"graph outputs {got_out} != {output_names}")
    return m


def serialize(m):
    return m.SerializeToString(deterministic=True)


def tensor_bytes(arr, name):
    t = numpy_helper.from_array(np.ascontiguousarray(arr), name=name)
    return t.SerializeToString(deterministic=True)


def rel_error(a, b):
    """max|a-b| / max(max|b|, 1e-6); b is the reference (golden)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    if b.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-6))
