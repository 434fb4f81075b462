"""copquotes review app (Streamlit).

Start it with ``copquotes app --workspace WS`` (bound to 127.0.0.1, headless, no usage
statistics), or ``streamlit run app.py -- --workspace WS``. The pages live in
``copquotes/app/views.py``; this file only starts them.
"""
import sys
from pathlib import Path

# In a source tree, import the copquotes beside this file; inside an installed package
# (copquotes/_data/app.py) the installed copquotes is already importable.
_REPO = Path(__file__).resolve().parent
if (_REPO / "copquotes" / "__init__.py").is_file() and str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))

from copquotes import _offline  # noqa: E402

_offline.apply()  # the app's server process is copquotes' own: offline for good
from copquotes.app.views import main  # noqa: E402

main()
