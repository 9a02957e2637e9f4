"""Build tooling of the compendium: how the manuscript is rendered, checked and published.

The science (pure functions) lives in `analysis/compendium`; this package calls it, never the
reverse.
"""
