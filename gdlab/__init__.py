"""Plumbing shared by the chapters of *How PyTorch Learns*.

Lesson code (models, losses, gradients, loops) stays in the notebooks; this
package holds what a reader's kernel runs that is not the lesson: the
interactive figure and its kernel-free twin, and the plot style. The book's
website build has its own code in ``_ext/`` (it never ships with gdlab).
"""

from .controls import Control
from .explorable import Explorable, explore
from .quiz import quiz
from .style import setup

__all__ = ["Control", "Explorable", "explore", "quiz", "setup"]
