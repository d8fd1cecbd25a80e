"""The local stack: the whole shop on one machine, built from template.yaml (see docs/local.md).

The shared layer's code is put on the import path here, as Lambda puts /opt/python there.
"""

import sys
from pathlib import Path

_LAYER = str(Path(__file__).resolve().parent.parent / "layers" / "common" / "python")
if _LAYER not in sys.path:
    sys.path.insert(0, _LAYER)

# The template's literal settings (metrics namespace, log level, ...) before Powertools is imported,
# as Lambda sets a function's environment before its code loads.
import os  # noqa: E402 - after the layer is on the path, by design

from local.template import load as _load_template  # noqa: E402

_LOCAL_STACK_NAME = "preorder-shop-local"  # local.provision.STACK_NAME, without importing boto3 here

for _name, _value in _load_template().globals["Environment"]["Variables"].items():
    if (
        isinstance(_value, dict)
        and isinstance(_value.get("Fn::Sub"), str)
        and "${" not in _value["Fn::Sub"].replace("${AWS::StackName}", "")
    ):
        # Literal but for the stack's name (the metrics namespace): as the local stack's resolver gives it.
        _value = _value["Fn::Sub"].replace("${AWS::StackName}", _LOCAL_STACK_NAME)
    if isinstance(_value, str):
        os.environ.setdefault(_name, _value)
