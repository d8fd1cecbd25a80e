"""The measures behind docs/performance.md: `make bench` runs them all (bench/__main__.py), one module each."""
