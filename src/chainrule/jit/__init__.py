"""``cr.jit``: trace a function once per signature and run it as straight-line array code
(issue 13). ``staging`` records the operations, ``program`` simplifies and writes them out (loaded
at the first compile), ``compiled`` keys, checks and caches the programs."""

from chainrule.jit.compiled import Compiled, JitCacheWarning, jit
from chainrule.jit.errors import JitError

__all__ = ["Compiled", "JitCacheWarning", "JitError", "jit"]
