"""One redactor for the anonymiser's probe tests (the models load once a session)."""
from __future__ import annotations

import pytest

from copquotes.anonymise import Redactor


@pytest.fixture(scope="session")
def redactor():
    return Redactor()

