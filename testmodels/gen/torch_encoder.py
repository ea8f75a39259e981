"""torch.nn.TransformerEncoder as it comes: 2 post-LN layers, batch_first, d_model 64, 4 heads,
feed-forward 128 with ReLU (the default), dropout 0, with a ``src_key_padding_mask``
input (bool, True = padding).

Fast path. In eval mode under ``torch.no_grad()`` torch 1.13 runs each layer
through the fused native kernel ``torch._transformer_encoder_layer_fwd`` (the
"fast path"). The export traces with grad enabled and parameters that require
grad, which keeps the ordinary math path (nn.MultiheadAttention ->
F.multi_head_attention_forward -> bmm/baddbmm/softmax); the goldens are computed
the same way (``run`` below, ``torch.enable_grad()``), and the generator checks
that the exported graph holds only standard ONNX ops. The fast-path result is
measured too and recorded in the manifest notes.

Broken attention: "uniform" patches torch.nn.functional.softmax (which
multi_head_attention_forward looks up at call time) to ignore the finite scores
while keeping the -inf mask; "nomask" passes no src_key_padding_mask.
"""

import contextlib

import numpy as np
import torch
from torch import nn

import common
from spec import DataSet, ModelDef

D_MODEL = 64
HEADS = 4
FFN = 128
LAYERS = 2
SEED = 6006


class TorchEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(D_MODEL, HEADS, dim_feedforward=FFN, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)

    def forward(self, src, src_key_padding_mask):
        return self.encoder(src, src_key_padding_mask=src_key_padding_mask)


def make_module():
    m = TorchEncoder()
    common.init_weights(m, SEED, D_MODEL)
    with torch.no_grad():  # the q and k rows of the packed in-projection get the same 2x gain as elsewhere
        for layer in m.encoder.layers:
            layer.self_attn.in_proj_weight[: 2 * D_MODEL] *= 2.0
    return m.eval()


@contextlib.contextmanager
def _uniform_softmax():
    F = torch.nn.functional
    orig = F.softmax

    def uniform(x, dim=None, *args, **kwargs):
        x = torch.where(torch.isneginf(x), x, torch.zeros_like(x))
        return orig(x, dim, *args, **kwargs)

    F.softmax = uniform
    try:
        yield
    finally:
        F.softmax = orig


def run(module, args):
    src, kpm = args
    for p in module.parameters():
        assert p.requires_grad  # keeps TransformerEncoderLayer off the fast path
    ctx = _uniform_softmax() if common.BROKEN == "uniform" else contextlib.nullcontext()
    with torch.enable_grad(), ctx:
        return module(src, kpm if common.mask_enabled() else None)


def fast_path_difference(module, sets, goldens):
    """Rel error of the native fast path (eval + no_grad) against the math-path goldens."""
    errs = []
    for ds, gold in zip(sets, goldens):
        with torch.no_grad(), torch.profiler.profile() as prof:
            out = module(torch.from_numpy(ds.inputs["src"]), torch.from_numpy(ds.inputs["src_key_padding_mask"]))
        if not any(e.name == "aten::_transformer_encoder_layer_fwd" for e in prof.events()):
            raise RuntimeError("expected the no_grad run to take the native fast path")
        errs.append(common.rel_error(out.numpy(), gold[0]))
    return errs


def make_sets(_module):
    rng = np.random.RandomState(SEED)
    sets = []
    for batch, seq, lengths in ((2, 7, [7, 4]), (3, 12, [12, 9, 5])):
        src = rng.randn(batch, seq, D_MODEL).astype(np.float32)
        pad = np.zeros((batch, seq), dtype=np.bool_)
        for b, n in enumerate(lengths):
            pad[b, n:] = True
        sets.append(DataSet({"src": src, "src_key_padding_mask": pad}))
    return sets


MODELS = [
    ModelDef(
        family="torch_encoder",
        arch=f"torch.nn.TransformerEncoder, {LAYERS} post-LN layers, batch_first, d_model {D_MODEL}, "
             f"{HEADS} heads, FFN {FFN} ReLU, bool src_key_padding_mask",
        opsets=[13, 17],
        make_module=make_module,
        input_names=["src", "src_key_padding_mask"],
        output_names=["output"],
        dynamic_axes={"src": {0: "batch", 1: "sequence"},
                      "src_key_padding_mask": {0: "batch", 1: "sequence"},
                      "output": {0: "batch", 1: "sequence"}},
        make_sets=make_sets,
        run=run,
        extra=lambda m, s, g: {"fast_path_rel_error_per_set": fast_path_difference(m, s, g)},
        notes="exported and golden from the math path (grad enabled), not the eval fast path",
    )
]
