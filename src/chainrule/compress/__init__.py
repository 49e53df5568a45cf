"""Model compression (seed 003 section 3.7.3): turn a trained network into a smaller one."""
