"""Every function template.yaml declares has its code where CodeUri and Handler say, and it imports."""

from __future__ import annotations

import pytest

from local.template import load
from tests.support.shop import ShopInMoto

FUNCTIONS = load().functions()


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_every_functions_code_folder_holds_its_handler_module(logical_id: str) -> None:
    # given
    spec = FUNCTIONS[logical_id]

    # then
    assert spec.folder.is_dir(), f"CodeUri {spec.code_uri}/ does not exist"
    assert spec.module_file.is_file(), f"Handler {spec.handler} needs {spec.module_file.relative_to(spec.folder)}"


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_every_functions_handler_imports_and_is_callable(shop_in_moto: ShopInMoto, logical_id: str) -> None:
    # given
    spec = FUNCTIONS[logical_id]

    # when
    module = shop_in_moto.functions.module(logical_id)

    # then
    assert callable(getattr(module, spec.handler_name, None)), f"{spec.module_file} has no {spec.handler_name}"
