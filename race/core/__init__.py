"""The pure race domain: snippets, the keystroke scorer, the verdict and room rules.

Nothing in this package performs I/O, reads the clock, or imports a framework:
time is always a parameter. ``tests/core/test_purity.py`` enforces it.
"""
