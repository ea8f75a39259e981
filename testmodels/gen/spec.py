"""The description of one golden test model, shared by the model files and the driver."""

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional


@dataclass
class DataSet:
    inputs: Dict[str, "object"]  # graph input name -> numpy array, in graph input order
    mask_matters: bool = True    # False where no attention mask can change the output


@dataclass
class ModelDef:
    family: str                  # e.g. "gpt2_kv"; file names are f"{family}_op{opset}"
    arch: str                    # human description for the README
    opsets: List[int]
    make_module: Callable[[], "object"]      # fresh torch module, weights initialised from a fixed seed
    input_names: List[str]
    output_names: List[str]
    dynamic_axes: Dict[str, Dict[int, str]]
    make_sets: Callable[["object"], List[DataSet]]  # module -> test_data_set_0, test_data_set_1
    has_mask: bool = True        # whether the "mask ignored" proof applies at all
    broken_modes: List[str] = field(default_factory=lambda: ["uniform", "nomask"])
    # Optional: run the module for goldens / broken checks (defaults to module(*inputs)).
    run: Optional[Callable] = None
    notes: str = ""
    # Optional: (module, sets, goldens) -> dict of extra facts for the manifest.
    extra: Optional[Callable] = None
