"""GPT-2-style decoder (Radford et al. 2019; layout of HF GPT2LMHeadModel).

Token + learned position embeddings, pre-LayerNorm blocks, one fused QKV
projection (HF "Conv1D", i.e. addmm with a [in, out] weight) split three ways,
causal mask from a lower-triangular bool buffer sliced to the sequence and
applied with ``where``, tanh-approximate GELU ("gelu_new"), final LayerNorm,
LM head tied to the token embedding. Output: logits.

The KV-cache variant (gpt2_kv) takes past key/value tensors per layer
([batch, heads, past, head_dim]) and returns the presents (past ++ new).
"""

import math

import numpy as np
import torch
from torch import nn

import common
from spec import DataSet, ModelDef

VOCAB = 128
N_EMBD = 64
N_HEAD = 4
N_LAYER = 2
N_POS = 64
EPS = 1e-5
SEED = 2002
HEAD_DIM = N_EMBD // N_HEAD


class Conv1D(nn.Module):
    """HF GPT-2 Conv1D: y = x @ W + b with W of shape [nx, nf]."""

    def __init__(self, nf, nx):
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer(
            "bias", torch.tril(torch.ones((N_POS, N_POS), dtype=torch.bool)).view(1, 1, N_POS, N_POS),
            persistent=False)
        self.c_attn = Conv1D(3 * N_EMBD, N_EMBD)
        self.c_proj = Conv1D(N_EMBD, N_EMBD)

    def split_heads(self, x):
        new_shape = x.size()[:-1] + (N_HEAD, HEAD_DIM)
        return x.view(new_shape).permute(0, 2, 1, 3)

    def merge_heads(self, x):
        x = x.permute(0, 2, 1, 3).contiguous()
        return x.view(x.size()[:-2] + (N_EMBD,))

    def forward(self, x, layer_past=None):
        q, k, v = self.c_attn(x).split(N_EMBD, dim=2)
        q, k, v = self.split_heads(q), self.split_heads(k), self.split_heads(v)
        if layer_past is not None:
            k = torch.cat((layer_past[0], k), dim=-2)
            v = torch.cat((layer_past[1], v), dim=-2)
        present = (k, v)
        w = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(HEAD_DIM)
        w = common.scores_hook(w)
        if common.mask_enabled():
            q_len, k_len = q.size(-2), k.size(-2)
            causal = self.bias[:, :, k_len - q_len:k_len, :k_len]
            w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype))
        w = nn.functional.softmax(w, dim=-1)
        a = self.merge_heads(torch.matmul(w, v))
        return self.c_proj(a), present


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_fc = Conv1D(4 * N_EMBD, N_EMBD)
        self.c_proj = Conv1D(N_EMBD, 4 * N_EMBD)

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(N_EMBD, eps=EPS)
        self.attn = Attention()
        self.ln_2 = nn.LayerNorm(N_EMBD, eps=EPS)
        self.mlp = MLP()

    def forward(self, x, layer_past=None):
        a, present = self.attn(self.ln_1(x), layer_past)
        x = x + a
        x = x + self.mlp(self.ln_2(x))
        return x, present


class GPT2(nn.Module):
    def __init__(self, use_cache=False):
        super().__init__()
        self.use_cache = use_cache
        self.wte = nn.Embedding(VOCAB, N_EMBD)
        self.wpe = nn.Embedding(N_POS, N_EMBD)
        self.h = nn.ModuleList([Block() for _ in range(N_LAYER)])
        self.ln_f = nn.LayerNorm(N_EMBD, eps=EPS)

    def forward(self, input_ids, *past):
        past_len = past[0].size(-2) if past else 0
        t = input_ids.size(-1)
        position_ids = torch.arange(past_len, past_len + t, dtype=torch.long).unsqueeze(0)
        x = self.wte(input_ids) + self.wpe(position_ids)
        presents = []
        for i, block in enumerate(self.h):
            layer_past = (past[2 * i], past[2 * i + 1]) if past else None
            x, present = block(x, layer_past)
            presents.extend(present)
        x = self.ln_f(x)
        logits = nn.functional.linear(x, self.wte.weight)  # tied LM head
        if self.use_cache:
            return (logits, *presents)
        return logits


def make_module(use_cache=False):
    m = GPT2(use_cache)
    common.init_weights(m, SEED, N_EMBD)
    return m.eval()


def make_sets(_module):
    rng = np.random.RandomState(SEED)
    return [DataSet({"input_ids": rng.randint(0, VOCAB, size=(2, 7)).astype(np.int64)}),
            DataSet({"input_ids": rng.randint(0, VOCAB, size=(3, 12)).astype(np.int64)})]


PAST_NAMES = [f"past_{kv}_{i}" for i in range(N_LAYER) for kv in ("key", "value")]
PRESENT_NAMES = [f"present_{kv}_{i}" for i in range(N_LAYER) for kv in ("key", "value")]


def make_kv_sets(module):
    """Past key/values come from running the model on a real prefix."""
    rng = np.random.RandomState(SEED + 1)
    sets = []
    # (batch, past length, new tokens): a chunk of 3 and a single decode step
    for batch, past_len, new in ((2, 5, 3), (3, 8, 1)):
        ids = rng.randint(0, VOCAB, size=(batch, past_len + new)).astype(np.int64)
        with torch.no_grad():
            outs = module(torch.from_numpy(ids[:, :past_len]))
        inputs = {"input_ids": ids[:, past_len:]}
        for n, t in zip(PAST_NAMES, outs[1:]):
            inputs[n] = t.numpy().copy()
        sets.append(DataSet(inputs, mask_matters=new > 1))
    return sets


def _axes(names, past_axis):
    return {n: {0: "batch", 2: past_axis} for n in names}


MODELS = [
    ModelDef(
        family="gpt2",
        arch=f"GPT-2 decoder, pre-LN, fused QKV, causal, tanh GELU, tied LM head, "
             f"{N_LAYER} layers, hidden {N_EMBD}, {N_HEAD} heads, vocab {VOCAB}",
        opsets=[13, 17],
        make_module=make_module,
        input_names=["input_ids"],
        output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}},
        make_sets=make_sets,
    ),
    ModelDef(
        family="gpt2_kv",
        arch="GPT-2 decoder (same weights as gpt2) with past key/value inputs and present outputs",
        opsets=[13, 17],
        make_module=lambda: make_module(use_cache=True),
        input_names=["input_ids"] + PAST_NAMES,
        output_names=["logits"] + PRESENT_NAMES,
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"},
                      **_axes(PAST_NAMES, "past_sequence"), **_axes(PRESENT_NAMES, "total_sequence")},
        make_sets=make_kv_sets,
        notes="test_data_set_1 is a single decode step (1 new token), where the causal mask cannot matter",
    ),
]
