"""Build tooling around the science package `compendium`: rendering, verification, provenance,
privacy checks, benchmarks, the preview server and the step I/O helpers the workflow's scripts use.

Tooling calls the science (`analysis/compendium/`), never the reverse.
"""
