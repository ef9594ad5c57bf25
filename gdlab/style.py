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
    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 3.6),
            "figure.dpi": 80,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            # Text stays legible when a phone shrinks the figure to its width.
            "font.size": 12,
            "savefig.bbox": None,
            # Stored PNGs must be byte-identical between runs.
            "svg.hashsalt": "gdlab",
        }
    )
    _sharp_inline_figures()


def _sharp_inline_figures() -> None:
    """Inline figures at twice their pixels, shown at their size: sharp on hi-dpi.

    IPython's "retina" format stores the PNG with its display width and height,
    which the book's website writes on the <img> (no layout shift).
    """
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")
