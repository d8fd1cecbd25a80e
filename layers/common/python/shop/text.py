"""Text people type into the shop: names and addresses are printed on labels and in emails."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator

# Control characters (Cc), format characters such as zero-width joiners used to spoof (Cf), and
# unassigned or private code points (Cn, Co, Cs) have no place on a shipping label.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cn", "Co", "Cs"}


def _printable(value: str) -> str:
    refused = sorted({ch for ch in value if unicodedata.category(ch) in _REFUSED_CATEGORIES})
    if refused:
        raise ValueError(
            "must not contain control or invisible characters: " + " ".join(f"U+{ord(ch):04X}" for ch in refused)
        )
    return value


PrintableText = Annotated[str, AfterValidator(_printable)]


def _message(value: str) -> str:
    """A message may run over several lines (newlines and tabs); nothing else invisible is let through."""
    text = value.replace("\r\n", "\n")
    _printable(text.replace("\n", "").replace("\t", ""))
    return text


MessageText = Annotated[str, AfterValidator(_message)]
