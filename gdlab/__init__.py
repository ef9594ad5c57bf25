"""Plumbing shared by the chapters of *How PyTorch Learns*.

Lesson code (models, losses, gradients, loops) stays in the notebooks; this
package holds what is not the lesson: the interactive figure and its static
twin, and the plot style.
"""

from .explorable import Control, Explorable, explore
from .quiz import quiz
from .style import setup

__all__ = ["Control", "Explorable", "explore", "quiz", "setup"]
