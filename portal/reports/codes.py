"""Reference codes: unguessable, short enough to read out on the phone, in groups."""
from __future__ import annotations

import re
import secrets

# Crockford's base32: no I, L, O or U, so nothing is misread; 15 characters = 75 bits.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 15
GROUP = 5
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SHAPE = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def grouped(code: str) -> str:
    """``7QK2MXR4TP9HWZD`` as ``7QK2M-XR4TP-9HWZD``."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def normalise(text: str) -> str | None:
    """A code as typed (any case, spaces or dashes, O for 0) in its stored form, or None
    when it cannot be one."""
    if len(text) > 40:
        return None
    code = re.sub(r"[\s-]", "", text).upper().translate(_MISREAD)
    return code if _SHAPE.fullmatch(code) else None
