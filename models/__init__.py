"""The shipped models, installed as the package ``analyzer._models``.

pyproject.toml maps ``analyzer._models`` onto this folder (``package-dir``) and
ships ``default/*`` as its package data, so the default model travels with a
wheel, ``pip install .``, pipx and the editable install alike;
:func:`analyzer.classify.modelio.default_model_dir` finds it there. This file
only makes the folder a package; there is no code here.
"""
