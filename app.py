"""copquotes review app (Streamlit).

Start it with ``copquotes app --workspace WS`` (bound to 127.0.0.1, headless, no usage
statistics), or ``streamlit run app.py -- --workspace WS``. The pages live in
``copquotes/app/views.py``; this file only starts them.
"""
import sys
from pathlib import Path

_REPO = str(Path(__file__).resolve().parent)
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)

from copquotes.app.views import main  # noqa: E402

main()
