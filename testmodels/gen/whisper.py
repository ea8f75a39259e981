"""Whisper-style encoder-decoder (Radford et al. 2022; layout of HF WhisperForConditionalGeneration).

Encoder: two Conv1d layers over log-mel features (the second with stride 2),
exact GELU after each, fixed sinusoidal positions, pre-LayerNorm blocks, final
LayerNorm. Decoder: token embedding + learned positions, pre-LayerNorm blocks
with causal self-attention and cross-attention to the encoder output, final
LayerNorm, LM head tied to the token embedding. Attention as in Whisper: the
query is scaled by head_dim^-0.5 before the product, k_proj has no bias. The
causal mask is built from an arange comparison and applied with masked_fill
(Where), so opset 13 is enough.

Inputs: input_features [batch, mels, frames] (frames even), decoder_input_ids
[batch, tokens]. Outputs: logits, encoder_last_hidden_state.
"""

import math

import numpy as np
import torch
from torch import nn

import common
from spec import DataSet, ModelDef

N_MELS = 16
D_MODEL = 64
HEADS = 4
HEAD_DIM = D_MODEL // HEADS
ENC_LAYERS = 2
DEC_LAYERS = 2
FFN = 128
VOCAB = 128
MAX_SOURCE = 64   # encoder positions (after the stride-2 conv)
MAX_TARGET = 32   # decoder positions
EPS = 1e-5
SEED = 5005


def sinusoids(length, channels, max_timescale=10000):
    log_inc = math.log(max_timescale) / (channels // 2 - 1)
    inv = torch.exp(-log_inc * torch.arange(channels // 2, dtype=torch.float32))
    t = torch.arange(length, dtype=torch.float32)[:, None] * inv[None, :]
    return torch.cat([torch.sin(t), torch.cos(t)], dim=1)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.scaling = HEAD_DIM ** -0.5
        self.q_proj = nn.Linear(D_MODEL, D_MODEL)
        self.k_proj = nn.Linear(D_MODEL, D_MODEL, bias=False)
        self.v_proj = nn.Linear(D_MODEL, D_MODEL)
        self.out_proj = nn.Linear(D_MODEL, D_MODEL)

    def shape(self, x, b):
        return x.view(b, -1, HEADS, HEAD_DIM).transpose(1, 2)

    def forward(self, x, kv=None, mask=None):
        b, t, _ = x.size()
        kv = x if kv is None else kv
        q = self.shape(self.q_proj(x) * self.scaling, b)
        k = self.shape(self.k_proj(kv), b)
        v = self.shape(self.v_proj(kv), b)
        w = torch.matmul(q, k.transpose(-1, -2))
        w = common.scores_hook(w)
        if mask is not None and common.mask_enabled():
            w = w + mask
        w = nn.functional.softmax(w, dim=-1)
        o = torch.matmul(w, v).transpose(1, 2).reshape(b, t, D_MODEL)
        return self.out_proj(o)


class EncoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.self_attn = Attention()
        self.self_attn_layer_norm = nn.LayerNorm(D_MODEL, eps=EPS)
        self.fc1 = nn.Linear(D_MODEL, FFN)
        self.fc2 = nn.Linear(FFN, D_MODEL)
        self.final_layer_norm = nn.LayerNorm(D_MODEL, eps=EPS)

    def forward(self, x):
        x = x + self.self_attn(self.self_attn_layer_norm(x))
        return x + self.fc2(nn.functional.gelu(self.fc1(self.final_layer_norm(x))))


class DecoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.self_attn = Attention()
        self.self_attn_layer_norm = nn.LayerNorm(D_MODEL, eps=EPS)
        self.encoder_attn = Attention()
        self.encoder_attn_layer_norm = nn.LayerNorm(D_MODEL, eps=EPS)
        self.fc1 = nn.Linear(D_MODEL, FFN)
        self.fc2 = nn.Linear(FFN, D_MODEL)
        self.final_layer_norm = nn.LayerNorm(D_MODEL, eps=EPS)

    def forward(self, x, enc, causal):
        x = x + self.self_attn(self.self_attn_layer_norm(x), mask=causal)
        x = x + self.encoder_attn(self.encoder_attn_layer_norm(x), kv=enc)
        return x + self.fc2(nn.functional.gelu(self.fc1(self.final_layer_norm(x))))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(N_MELS, D_MODEL, kernel_size=3, padding=1)
        self.conv2 = nn.Conv1d(D_MODEL, D_MODEL, kernel_size=3, stride=2, padding=1)
        self.register_buffer("embed_positions", sinusoids(MAX_SOURCE, D_MODEL), persistent=False)
        self.layers = nn.ModuleList([EncoderLayer() for _ in range(ENC_LAYERS)])
        self.layer_norm = nn.LayerNorm(D_MODEL, eps=EPS)

    def forward(self, feats):
        x = nn.functional.gelu(self.conv1(feats))
        x = nn.functional.gelu(self.conv2(x))
        x = x.permute(0, 2, 1)
        x = x + self.embed_positions[: x.size(1)]
        for layer in self.layers:
            x = layer(x)
        return self.layer_norm(x)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed_tokens = nn.Embedding(VOCAB, D_MODEL)
        self.embed_positions = nn.Embedding(MAX_TARGET, D_MODEL)
        self.layers = nn.ModuleList([DecoderLayer() for _ in range(DEC_LAYERS)])
        self.layer_norm = nn.LayerNorm(D_MODEL, eps=EPS)

    def forward(self, ids, enc):
        t = ids.size(1)
        # HF _make_causal_mask: fill with min, zero where key index <= query index.
        mask = torch.full((t, t), torch.finfo(torch.float32).min)
        cond = torch.arange(t)
        mask = mask.masked_fill(cond < (cond + 1).view(t, 1), 0.0)[None, None, :, :]
        pos = torch.arange(t, dtype=torch.long)
        x = self.embed_tokens(ids) + self.embed_positions(pos)
        for layer in self.layers:
            x = layer(x, enc, mask)
        return self.layer_norm(x)


class Whisper(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = Decoder()

    def forward(self, input_features, decoder_input_ids):
        enc = self.encoder(input_features)
        h = self.decoder(decoder_input_ids, enc)
        logits = nn.functional.linear(h, self.decoder.embed_tokens.weight)  # tied proj_out
        return logits, enc


def make_module():
    m = Whisper()
    common.init_weights(m, SEED, D_MODEL, qk_gain=2.0)
    return m.eval()


def make_sets(_module):
    rng = np.random.RandomState(SEED)
    sets = []
    for batch, frames, tokens in ((2, 20, 6), (3, 32, 9)):
        sets.append(DataSet({
            "input_features": rng.randn(batch, N_MELS, frames).astype(np.float32),
            "decoder_input_ids": rng.randint(0, VOCAB, size=(batch, tokens)).astype(np.int64),
        }))
    return sets


MODELS = [
    ModelDef(
        family="whisper",
        arch=f"Whisper encoder-decoder: Conv1d x2 front end, sinusoidal positions, pre-LN, cross-attention, "
             f"tied LM head, {ENC_LAYERS}+{DEC_LAYERS} layers, d_model {D_MODEL}, {HEADS} heads, vocab {VOCAB}",
        opsets=[13, 17],
        make_module=make_module,
        input_names=["input_features", "decoder_input_ids"],
        output_names=["logits", "encoder_last_hidden_state"],
        dynamic_axes={"input_features": {0: "batch", 2: "frames"},
                      "decoder_input_ids": {0: "batch", 1: "tokens"},
                      "logits": {0: "batch", 1: "tokens"},
                      "encoder_last_hidden_state": {0: "batch", 1: "encoder_sequence"}},
        make_sets=make_sets,
        notes="the only mask is the decoder's causal mask",
    )
]
