"""BERT-style encoder (Devlin et al. 2018; layout of HF BertModel).

Word + position + token-type embeddings, embedding LayerNorm, post-LayerNorm
blocks, additive attention mask built from an ``attention_mask`` input, exact
(erf) GELU. Output: the last hidden state.
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
LAYERS = 2
INTERMEDIATE = 128
MAX_POS = 64
TYPE_VOCAB = 2
EPS = 1e-12
SEED = 1001


class BertEmbeddings(nn.Module):
    def __init__(self):
        super().__init__()
        self.word_embeddings = nn.Embedding(VOCAB, HIDDEN)
        self.position_embeddings = nn.Embedding(MAX_POS, HIDDEN)
        self.token_type_embeddings = nn.Embedding(TYPE_VOCAB, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.register_buffer("position_ids", torch.arange(MAX_POS).expand((1, -1)), persistent=False)

    def forward(self, input_ids, token_type_ids):
        seq_len = input_ids.size(1)
        position_ids = self.position_ids[:, :seq_len]
        x = (self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
             + self.position_embeddings(position_ids))
        return self.LayerNorm(x)


class BertSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.head_dim = HIDDEN // HEADS
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)

    def split(self, x):
        b, t, _ = x.size()
        return x.view(b, t, HEADS, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, x, ext_mask):
        q = self.split(self.query(x))
        k = self.split(self.key(x))
        v = self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        scores = common.scores_hook(scores)
        if common.mask_enabled():
            scores = scores + ext_mask
        probs = nn.functional.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        b, t = ctx.size(0), ctx.size(1)
        return ctx.view(b, t, HIDDEN)


class BertLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention = BertSelfAttention()
        self.attention_output = nn.Linear(HIDDEN, HIDDEN)
        self.attention_LayerNorm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.intermediate = nn.Linear(HIDDEN, INTERMEDIATE)
        self.output = nn.Linear(INTERMEDIATE, HIDDEN)
        self.output_LayerNorm = nn.LayerNorm(HIDDEN, eps=EPS)

    def forward(self, x, ext_mask):
        a = self.attention_output(self.attention(x, ext_mask))
        x = self.attention_LayerNorm(a + x)
        h = nn.functional.gelu(self.intermediate(x))  # exact erf GELU
        return self.output_LayerNorm(self.output(h) + x)


class Bert(nn.Module):
    def __init__(self):
        super().__init__()
        self.embeddings = BertEmbeddings()
        self.layer = nn.ModuleList([BertLayer() for _ in range(LAYERS)])

    def forward(self, input_ids, attention_mask, token_type_ids):
        ext = attention_mask[:, None, None, :].to(torch.float32)
        ext = (1.0 - ext) * torch.finfo(torch.float32).min
        x = self.embeddings(input_ids, token_type_ids)
        for layer in self.layer:
            x = layer(x, ext)
        return x


def make_module():
    m = Bert()
    common.init_weights(m, SEED, HIDDEN, qk_gain=2.0)
    return m.eval()


def _set(rng, batch, seq, lengths):
    ids = rng.randint(0, VOCAB, size=(batch, seq)).astype(np.int64)
    mask = np.zeros((batch, seq), dtype=np.int64)
    types = np.zeros((batch, seq), dtype=np.int64)
    for b, n in enumerate(lengths):
        mask[b, :n] = 1
        types[b, n // 2:n] = 1  # second "sentence"
        ids[b, n:] = 0          # [PAD]
    return DataSet({"input_ids": ids, "attention_mask": mask, "token_type_ids": types})


def make_sets(_module):
    rng = np.random.RandomState(SEED)
    return [_set(rng, 2, 7, [7, 4]), _set(rng, 3, 12, [12, 9, 5])]


MODELS = [
    ModelDef(
        family="bert",
        arch=f"BERT encoder, post-LN, erf GELU, {LAYERS} layers, hidden {HIDDEN}, {HEADS} heads, vocab {VOCAB}",
        opsets=[13, 17],
        make_module=make_module,
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["last_hidden_state"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "sequence"},
            "attention_mask": {0: "batch", 1: "sequence"},
            "token_type_ids": {0: "batch", 1: "sequence"},
            "last_hidden_state": {0: "batch", 1: "sequence"},
        },
        make_sets=make_sets,
    )
]
