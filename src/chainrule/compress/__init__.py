"""``chainrule.compress``: model compression (seed 003, 3.7.3)."""
