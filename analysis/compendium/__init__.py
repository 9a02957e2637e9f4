"""The science: pure functions that turn the data coded from the article into the paper's artifacts.

Steps of the workflow (analysis/scripts, analysis/notebooks) are thin: they read their inputs,
call one function from here, and write their outputs. The build machinery around them
(rendering, provenance, verification, privacy checks, bench) lives in the `tooling` package.
"""
