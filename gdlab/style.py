"""One plot style and print setup for every chapter."""

import matplotlib as mpl
import numpy as np


def setup(seed: int = 0) -> None:
    """Seed the generators and set the book's plot and print style."""
    import torch

    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.set_printoptions(precision=4, sci_mode=False)
    np.set_printoptions(precision=4, suppress=True)
    mpl.rcParams.update({
        "figure.figsize": (6.4, 3.6),
        "figure.dpi": 80,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 10,
        "savefig.bbox": None,
        # Stored PNGs must be byte-identical between runs.
        "svg.hashsalt": "gdlab",
    })
