"""The paper's figures: one module per figure, a frame in and a matplotlib Figure out.

A figure's script imports its own module (and `style`), not this package's namespace, so a
figure's step depends on its module alone and editing one figure redraws that figure alone.
"""
