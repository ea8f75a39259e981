"""ViT-style image encoder (Dosovitskiy et al. 2020; layout of HF ViTModel).

Conv patch embedding (kernel = stride = patch), class token, learned position
embeddings, pre-LayerNorm blocks with exact GELU, final LayerNorm.
Output: the last hidden state [batch, 1 + patches, hidden].

Only the batch axis is dynamic: the sequence length follows from the image
size, and the position embeddings have a fixed length (no interpolation).
"""

import math

import numpy as np
import torch
from torch import nn

import common
from spec import DataSet, ModelDef

IMAGE = 32
PATCH = 8
CHANNELS = 3
HIDDEN = 64
HEADS = 4
LAYERS = 2
INTERMEDIATE = 128
EPS = 1e-12
SEED = 3003
N_PATCHES = (IMAGE // PATCH) ** 2


class Embeddings(nn.Module):
    def __init__(self):
        super().__init__()
        self.cls_token = nn.Parameter(torch.zeros(1, 1, HIDDEN))
        self.projection = nn.Conv2d(CHANNELS, HIDDEN, kernel_size=PATCH, stride=PATCH)
        self.position_embeddings = nn.Parameter(torch.zeros(1, N_PATCHES + 1, HIDDEN))

    def forward(self, pixel_values):
        b = pixel_values.size(0)
        x = self.projection(pixel_values).flatten(2).transpose(1, 2)
        cls = self.cls_token.expand(b, -1, -1)
        x = torch.cat((cls, x), dim=1)
        return x + self.position_embeddings


class SelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.head_dim = HIDDEN // HEADS
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)
        self.output = nn.Linear(HIDDEN, HIDDEN)

    def split(self, x):
        new_shape = x.size()[:-1] + (HEADS, self.head_dim)
        return x.view(new_shape).permute(0, 2, 1, 3)

    def forward(self, x):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        scores = common.scores_hook(scores)
        probs = nn.functional.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        ctx = ctx.view(ctx.size()[:-2] + (HIDDEN,))
        return self.output(ctx)


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.layernorm_before = nn.LayerNorm(HIDDEN, eps=EPS)
        self.attention = SelfAttention()
        self.layernorm_after = nn.LayerNorm(HIDDEN, eps=EPS)
        self.intermediate = nn.Linear(HIDDEN, INTERMEDIATE)
        self.output = nn.Linear(INTERMEDIATE, HIDDEN)

    def forward(self, x):
        x = x + self.attention(self.layernorm_before(x))
        h = nn.functional.gelu(self.intermediate(self.layernorm_after(x)))
        return x + self.output(h)


class ViT(nn.Module):
    def __init__(self):
        super().__init__()
        self.embeddings = Embeddings()
        self.layer = nn.ModuleList([Layer() for _ in range(LAYERS)])
        self.layernorm = nn.LayerNorm(HIDDEN, eps=EPS)

    def forward(self, pixel_values):
        x = self.embeddings(pixel_values)
        for layer in self.layer:
            x = layer(x)
        return self.layernorm(x)


def make_module():
    m = ViT()
    common.init_weights(m, SEED, HIDDEN, qk_gain=2.0)
    return m.eval()


def make_sets(_module):
    rng = np.random.RandomState(SEED)
    return [DataSet({"pixel_values": rng.randn(2, CHANNELS, IMAGE, IMAGE).astype(np.float32)}, mask_matters=False),
            DataSet({"pixel_values": rng.randn(3, CHANNELS, IMAGE, IMAGE).astype(np.float32)}, mask_matters=False)]


MODELS = [
    ModelDef(
        family="vit",
        arch=f"ViT encoder, {IMAGE}x{IMAGE} image, patch {PATCH} (Conv), class token, pre-LN, erf GELU, "
             f"{LAYERS} layers, hidden {HIDDEN}, {HEADS} heads",
        opsets=[13, 17],
        make_module=make_module,
        input_names=["pixel_values"],
        output_names=["last_hidden_state"],
        dynamic_axes={"pixel_values": {0: "batch"}, "last_hidden_state": {0: "batch"}},
        make_sets=make_sets,
        has_mask=False,
        broken_modes=["uniform"],
        notes="batch axis only is dynamic (sequence = 1 + (32/8)^2 = 17, fixed by the position embeddings)",
    )
]
