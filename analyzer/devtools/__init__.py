"""Checks for developers and CI, run from a source checkout; nothing here is used by an analysis.

- ``python -m analyzer.devtools.imports``: import cycles among analyzer's modules, and
  which heavy libraries each CLI command imports (``analyze export`` and ``analyze issues``
  must never import spaCy, lingua or scikit-learn).
- ``python -m analyzer.devtools.wheel``: build the wheel, install it into a fresh virtual
  environment and run ``analyze`` and ``analyzer.analyze()`` from outside the checkout.
"""
