"""Speaker pseudonyms that only the workspace can compute.

A speaker's stored key is made from things a reader could guess (a respondent id, a file name:
``'R' + sha1(file:respondent)``), so anyone with a staff list could try them. On the way OUT
(units table, bulk files, quote records, ``copquotes quotes``) a speaker is named by a keyed hash
instead: HMAC-SHA256 with a random secret created once per workspace and kept in it (config
``disclosure.speaker_secret``), of the file's life-long key and the speaker's stored key (a unit
without a speaker stands alone). The stored keys and unit ids never change (reviewers' work is
attached to them: docs/durability.md); the same person gets the same pseudonym in the units
table and in the quote records, so the two can be joined, and only inside one workspace.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from .sources import _file_keys

CONFIG_KEY = "disclosure.speaker_secret"


def speaker_secret(ws) -> bytes:
    """The workspace's secret, created (and stored) on first use; for this read only on a
    read-only workspace (its pseudonyms then change from one read to the next)."""
    value = ws.get_config(CONFIG_KEY)
    if not value:
        try:
            with ws.transaction() as c:  # read again inside: another process may have created it
                row = c.execute("SELECT value FROM config WHERE key = ?", (CONFIG_KEY,)).fetchone()
                value = json.loads(row[0]) if row else secrets.token_hex(32)
                if not row:
                    c.execute("INSERT INTO config(key, value) VALUES (?, ?)", (CONFIG_KEY, json.dumps(value)))
        except Exception:  # noqa: BLE001 - read-only or busy: a secret for this read only
            value = value or secrets.token_hex(32)
    return bytes.fromhex(value)


class SpeakerNames:
    """``names(file_id, speaker_key, unit_id)`` -> ``"P-" + 10 hex digits`` (see the module doc)."""

    def __init__(self, ws):
        self._secret = speaker_secret(ws)
        self._keys = {fid: key for fid, key, _ in _file_keys(ws.conn)}
        self._memo: dict = {}

    def __call__(self, file_id, speaker_key, unit_id) -> str:
        base = f"{self._keys.get(file_id, file_id)}\x1f{speaker_key}" if speaker_key else f"unit\x1f{unit_id}"
        hit = self._memo.get(base)
        if hit is None:
            hit = self._memo[base] = "P-" + hmac.new(self._secret, base.encode("utf-8"), hashlib.sha256).hexdigest()[:10]
        return hit
