"""Build tooling: verification, receipts, bundles. Calls the science package, never the reverse."""
