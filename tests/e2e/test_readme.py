"""The README's five-minute tour works as written, against a running local shop."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from local.client import ShopClient

README = Path(__file__).resolve().parents[2] / "README.md"


def try_it_script() -> str:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    return next(block for block in blocks if block.startswith("# try-it"))


def test_the_readme_tour_signs_up_fills_the_cart_checks_it_out_and_sees_the_order_cancelled(
    local_shop: ShopClient, tmp_path
) -> None:
    # given the README's commands, pointed at this test's shop instead of port 3000
    script = (
        try_it_script()
        .replace("http://127.0.0.1:3000", local_shop.url)
        .replace(".venv/bin/python", sys.executable)
        .replace("/tmp/checkout.json", str(tmp_path / "checkout.json"))  # noqa: S108 - replaced, not used
    )

    # when
    result = subprocess.run(  # noqa: S603 - the README's own commands, on a loopback shop
        ["/bin/bash", "-euo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "SHOP_URL": local_shop.url},
        check=False,
    )

    # then every step worked and the mailbox tells the story
    assert result.returncode == 0, result.stderr
    assert '"orderCount":2' in result.stdout  # the cart, before confirming
    assert '"shippingFeeCents":3600' in result.stdout
    assert "Your order has been processed successfully" in result.stdout
    assert re.search(r"alice@example.com: Payment failed for order [0-9A-Z-]+: please re-settle by", result.stdout)
    assert re.search(r"alice@example.com: Order [0-9A-Z-]+ has been cancelled", result.stdout)
