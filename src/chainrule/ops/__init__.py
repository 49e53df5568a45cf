"""Primitive families: each module defines its primitives (forward, VJP and JVP side by side)
and the NumPy functions composed from them. ``chainrule.numpy`` re-exports their ``__all__``."""
