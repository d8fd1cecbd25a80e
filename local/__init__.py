"""The local stack: the whole shop on one machine, built from template.yaml (see docs/local.md).

The shared layer's code is put on the import path here, as Lambda puts /opt/python there.
"""

import sys
from pathlib import Path

_LAYER = str(Path(__file__).resolve().parent.parent / "layers" / "common" / "python")
if _LAYER not in sys.path:
    sys.path.insert(0, _LAYER)
