"""The short text of an alert for SMS and cell broadcast: one message, never split.

One SMS holds 160 characters of the GSM 03.38 alphabet (GSM-7), or 70 of UCS-2,
which Chinese and any character outside GSM-7 need.
"""
from __future__ import annotations

# GSM 03.38 basic set; the extension set's characters cost two.
_BASIC = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
          "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
_EXTENDED = "^{}\\[~]|€"


def gsm7_length(text: str) -> int | None:
    """Septets ``text`` needs in GSM-7, or None if it needs UCS-2."""
    length = 0
    for char in text:
        if char in _BASIC:
            length += 1
        elif char in _EXTENDED:
            length += 2
        else:
            return None
    return length


def sms_problem(text: str, lang: str) -> str | None:
    """Why ``text`` does not fit one message, or None."""
    septets = gsm7_length(text)
    if septets is not None:
        if septets > 160:
            return f"is {septets} characters; one SMS holds 160 (GSM-7)"
        return None
    if lang == "en":
        odd = sorted({c for c in text if gsm7_length(c) is None})[:5]
        return (f"uses characters outside the SMS alphabet ({''.join(odd)}); write plain "
                f"letters, or it is sent as 70-character messages")
    if len(text) > 70:
        return f"is {len(text)} characters; one SMS in this script holds 70"
    return None


def derived(title: str, instructions: tuple[str, ...], lang: str) -> str:
    """Title and first instruction, shortened to fit one message."""
    text = " ".join(filter(None, [title, instructions[0] if instructions else ""]))
    septets = gsm7_length(text)
    if septets is not None:
        return text if septets <= 160 else text[:157].rstrip() + "..."
    return text if len(text) <= 70 else text[:69].rstrip() + "…"
