"""The review app's logic: queries (``data``; what they return passes :mod:`copquotes.disclosure`) and the
Streamlit pages (``views``). ``app.py`` at the repository root only calls
:func:`copquotes.app.views.main`. Importing this package does not import Streamlit.
"""
