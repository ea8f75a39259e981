"""Llama-style decoder (Touvron et al. 2023; layout of HF LlamaForCausalLM).

Token embedding, pre-RMSNorm blocks, rotary position embeddings (rotate-half
form, cos/sin computed from position ids and inv_freq), grouped-query attention
(4 query heads share 2 key/value heads; repeat_kv by expand + reshape), causal
mask built with ``torch.full`` + ``torch.triu`` (exports as Trilu, so the lowest
opset is 14), SwiGLU MLP, final RMSNorm, untied LM head, no biases.
Output: logits.
"""

import math

import numpy as np
import torch
from torch import nn

import common
from spec import DataSet, ModelDef

VOCAB = 128
HIDDEN = 64
HEADS = 4
KV_HEADS = 2
HEAD_DIM = HIDDEN // HEADS
LAYERS = 2
INTERMEDIATE = 176
EPS = 1e-6
THETA = 10000.0
SEED = 4004


class RMSNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(HIDDEN))

    def forward(self, x):
        var = x.pow(2).mean(-1, keepdim=True)
        x = x * torch.rsqrt(var + EPS)
        return self.weight * x


class Rotary(nn.Module):
    def __init__(self):
        super().__init__()
        inv_freq = 1.0 / (THETA ** (torch.arange(0, HEAD_DIM, 2, dtype=torch.float32) / HEAD_DIM))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, position_ids):
        freqs = position_ids[:, :, None].float() * self.inv_freq[None, None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos()[:, None, :, :], emb.sin()[:, None, :, :]  # [B, 1, T, D]


def rotate_half(x):
    x1 = x[..., :HEAD_DIM // 2]
    x2 = x[..., HEAD_DIM // 2:]
    return torch.cat((-x2, x1), dim=-1)


def repeat_kv(x, n_rep):
    b, kvh, t, d = x.shape
    x = x[:, :, None, :, :].expand(b, kvh, n_rep, t, d)
    return x.reshape(b, kvh * n_rep, t, d)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q_proj = nn.Linear(HIDDEN, HEADS * HEAD_DIM, bias=False)
        self.k_proj = nn.Linear(HIDDEN, KV_HEADS * HEAD_DIM, bias=False)
        self.v_proj = nn.Linear(HIDDEN, KV_HEADS * HEAD_DIM, bias=False)
        self.o_proj = nn.Linear(HEADS * HEAD_DIM, HIDDEN, bias=False)

    def forward(self, x, cos, sin, mask):
        b, t, _ = x.size()
        q = self.q_proj(x).view(b, t, HEADS, HEAD_DIM).transpose(1, 2)
        k = self.k_proj(x).view(b, t, KV_HEADS, HEAD_DIM).transpose(1, 2)
        v = self.v_proj(x).view(b, t, KV_HEADS, HEAD_DIM).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = repeat_kv(k, HEADS // KV_HEADS)
        v = repeat_kv(v, HEADS // KV_HEADS)
        w = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(HEAD_DIM)
        w = common.scores_hook(w)
        if common.mask_enabled():
            w = w + mask
        w = nn.functional.softmax(w, dim=-1, dtype=torch.float32)
        o = torch.matmul(w, v).transpose(1, 2).contiguous().reshape(b, t, HIDDEN)
        return self.o_proj(o)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate_proj = nn.Linear(HIDDEN, INTERMEDIATE, bias=False)
        self.up_proj = nn.Linear(HIDDEN, INTERMEDIATE, bias=False)
        self.down_proj = nn.Linear(INTERMEDIATE, HIDDEN, bias=False)

    def forward(self, x):
        return self.down_proj(nn.functional.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.input_layernorm = RMSNorm()
        self.self_attn = Attention()
        self.post_attention_layernorm = RMSNorm()
        self.mlp = MLP()

    def forward(self, x, cos, sin, mask):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class Llama(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed_tokens = nn.Embedding(VOCAB, HIDDEN)
        self.rotary_emb = Rotary()
        self.layers = nn.ModuleList([Layer() for _ in range(LAYERS)])
        self.norm = RMSNorm()
        self.lm_head = nn.Linear(HIDDEN, VOCAB, bias=False)

    def forward(self, input_ids):
        t = input_ids.size(1)
        position_ids = torch.arange(t, dtype=torch.long).unsqueeze(0)
        cos, sin = self.rotary_emb(position_ids)
        mask = torch.full((t, t), torch.finfo(torch.float32).min)
        mask = torch.triu(mask, diagonal=1)[None, None, :, :]
        x = self.embed_tokens(input_ids)
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        return self.lm_head(self.norm(x))


def make_module():
    m = Llama()
    common.init_weights(m, SEED, HIDDEN, qk_gain=2.0)
    return m.eval()


def make_sets(_module):
    rng = np.random.RandomState(SEED)
    return [DataSet({"input_ids": rng.randint(0, VOCAB, size=(2, 7)).astype(np.int64)}),
            DataSet({"input_ids": rng.randint(0, VOCAB, size=(3, 12)).astype(np.int64)})]


MODELS = [
    ModelDef(
        family="llama",
        arch=f"Llama decoder, RMSNorm, RoPE, SwiGLU, GQA {HEADS}q/{KV_HEADS}kv heads, causal (Trilu), "
             f"{LAYERS} layers, hidden {HIDDEN}, vocab {VOCAB}",
        opsets=[14, 17],
        make_module=make_module,
        input_names=["input_ids"],
        output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}},
        make_sets=make_sets,
        notes="torch.triu exports as Trilu, which needs opset 14",
    )
]
