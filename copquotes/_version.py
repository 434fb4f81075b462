"""The copquotes version, in a module of its own (imported by setup and the CLI without the package)."""
__version__ = "0.1.0"
