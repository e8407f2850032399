"""Which characters of a registered and a listed identifier match, allowing for look-alikes."""

from __future__ import annotations

from difflib import SequenceMatcher

from registry.identifiers.rules import matching_key


def char_key(ch: str) -> str | None:
    """The matching-key form of one character ('O' and '0' alike); None for separators."""
    key = matching_key("1" + ch)
    return key[1:] if key and len(key) > 1 else None


def _keyed(text: str) -> tuple[list[int], str]:
    positions, keys = [], []
    for index, ch in enumerate(text):
        key = char_key(ch)
        if key:
            positions.append(index)
            keys.append(key[0])
    return positions, "".join(keys)


def highlight_pair(registered: str, listed: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Both strings as segments (text, kind) where kind is 'same', 'diff' or 'sep'.

    Alignment is on matching keys, so a seller's '0' under a registered 'O' counts as the same.
    """
    reg_pos, reg_keys = _keyed(registered or "")
    lst_pos, lst_keys = _keyed(listed or "")
    same_reg, same_lst = set(), set()
    for block in SequenceMatcher(None, reg_keys, lst_keys, autojunk=False).get_matching_blocks():
        for offset in range(block.size):
            same_reg.add(reg_pos[block.a + offset])
            same_lst.add(lst_pos[block.b + offset])
    return _segments(registered or "", same_reg), _segments(listed or "", same_lst)


def _segments(text: str, same: set[int]) -> list[tuple[str, str]]:
    segments: list[tuple[str, str]] = []
    for index, ch in enumerate(text):
        kind = "same" if index in same else ("diff" if char_key(ch) else "sep")
        if segments and segments[-1][1] == kind:
            segments[-1] = (segments[-1][0] + ch, kind)
        else:
            segments.append((ch, kind))
    return segments
