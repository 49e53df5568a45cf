"""Model compression (seed 003 section 3.7.3): pruning, quantization, low-rank and hashed
layers, distillation."""
