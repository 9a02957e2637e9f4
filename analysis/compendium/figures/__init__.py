"""The paper's figures: one module per figure, a frame in and a matplotlib Figure out.

Each figure's rule declares only its own module and `style`, so editing one figure redraws
that figure alone.
"""

from compendium.figures.coexistence import coexistence
from compendium.figures.flows import flows
from compendium.figures.style import OKABE_ITO, TEXT_WIDTH, save
from compendium.figures.timeline import timeline

__all__ = ["OKABE_ITO", "TEXT_WIDTH", "coexistence", "flows", "save", "timeline"]
