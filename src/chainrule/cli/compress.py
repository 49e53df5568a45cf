"""``chainrule compress CHECKPOINT --method prune|quantize|lowrank|hash|mimic``: make a trained
run's network smaller (seed 003, section 3.7.3) and write a new run folder whose checkpoint
``evaluate`` and ``predict`` read as any other, with ``compression.json``: parameters, bytes,
test accuracy and inference time before and after. The input checkpoint is only read.

Fine-tuning (``--epochs``, default 10; 0 for none) trains the compressed network on the run's
training part with the run's optimizer, batch size and seed (``--lr`` to change the rate).
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from chainrule.cli.arguments import fraction, positive_float, positive_int
from chainrule.cli.compress_methods import METHODS, compress_model
from chainrule.cli.compress_report import measure, print_report, report_dict
from chainrule.cli.data import UsageError, load_run_data, prepared
from chainrule.cli.rundir import check_name, load_run, make_run_dir, run_path, write_json
from chainrule.train import save_checkpoint
from chainrule.train.mlp import make_loss, mlp_from_config

EPILOG = """examples:
  chainrule compress runs/digits/checkpoint.npz --method prune --sparsity 0.9 --iterative 3
  chainrule compress runs/digits/checkpoint.npz --method quantize --calibration 256
  chainrule compress runs/digits/checkpoint.npz --method quantize --qat 5
  chainrule compress runs/digits/checkpoint.npz --method lowrank --energy 0.9
  chainrule compress runs/digits/checkpoint.npz --method hash --compression 0.125
  chainrule compress runs/digits/checkpoint.npz --method mimic --hidden 16 --temperature 4
  chainrule evaluate runs/<name>/checkpoint.npz        the compressed run, as any other
"""


def add_parser(sub: Any) -> None:
    """The ``compress`` subcommand."""
    p = sub.add_parser("compress", help="prune, quantize, factorize, hash or distil a trained "
                       "network into a new run", description=__doc__.split("\n\n")[0]
                       .replace("``", "'"), epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint", help="a checkpoint written by 'chainrule train'")
    p.add_argument("--method", required=True, choices=list(METHODS))
    p.add_argument("--layers", help="indices of the Linear layers to compress, e.g. 0,2 "
                   "(default: all of them)")
    g = p.add_argument_group("prune")
    g.add_argument("--sparsity", type=fraction, help="fraction of weights set to zero")
    g.add_argument("--threshold", type=positive_float, help="zero the weights with |w| below")
    g.add_argument("--scope", choices=("layer", "global"), default="layer",
                   help="sparsity per layer (default) or one threshold over all layers")
    g.add_argument("--iterative", type=positive_int, metavar="ROUNDS", help="prune in "
                   "ROUNDS rising steps, fine-tuning --epochs after each (default: one shot)")
    g.add_argument("--l1", type=positive_float, metavar="LAMBDA", help="train with an L1 "
                   "penalty first (--epochs), then prune at --threshold (default 1e-3)")
    g = p.add_argument_group("quantize (int8)")
    g.add_argument("--per-tensor", action="store_true",
                   help="one scale per weight matrix (default: one per output channel)")
    g.add_argument("--calibration", type=positive_int, default=256, metavar="N",
                   help="training samples calibrating the activation ranges (default 256)")
    g.add_argument("--qat", type=positive_int, metavar="EPOCHS", help="quantization-aware "
                   "fine-tuning (straight-through estimator) before converting")
    g = p.add_argument_group("lowrank")
    g.add_argument("--rank", type=positive_int, help="rank of every factorized layer")
    g.add_argument("--energy", type=fraction, help="keep this share of the squared singular "
                   "values")
    g.add_argument("--size", type=fraction, help="at most this fraction of each layer's "
                   "parameters")
    g = p.add_argument_group("hash")
    g.add_argument("--buckets", type=positive_int, help="shared parameters per layer")
    g.add_argument("--compression", type=fraction, help="shared parameters as a fraction of "
                   "each layer's weights")
    g.add_argument("--hash-seed", type=int, default=0, help="seeds the hash (default 0)")
    g = p.add_argument_group("mimic")
    g.add_argument("--hidden", help="the student's hidden sizes, e.g. 16 or 32,16")
    g.add_argument("--temperature", type=positive_float, default=4.0, help="default 4")
    g.add_argument("--alpha", type=fraction, default=0.5,
                   help="weight of the soft targets beside the labels (default 0.5)")
    g.add_argument("--unlabelled", action="store_true",
                   help="train the student on the teacher's outputs only")
    g = p.add_argument_group("fine-tuning and output")
    g.add_argument("--epochs", type=int, default=10, help="fine-tuning epochs (default 10)")
    g.add_argument("--lr", type=positive_float, help="fine-tuning learning rate (default: "
                   "the run's)")
    g.add_argument("--out", help="folder holding run folders (default: runs)")
    g.add_argument("--name", help="run folder name (default: the date and time)")
    g.add_argument("--overwrite", action="store_true", help="replace the run folder --name")
    g.add_argument("--quiet", action="store_true", help="print nothing")


def run_compress(args: argparse.Namespace) -> int:
    """``chainrule compress``; returns the exit status."""
    if args.epochs < 0:
        raise UsageError(f"--epochs: expected an integer >= 0, got {args.epochs}")
    ckpt, config = load_run(args.checkpoint)
    if config.compressed:
        raise UsageError(f"{args.checkpoint!r} is already compressed "
                         f"({', '.join(sorted({s['kind'] for s in config.compressed}))}); "
                         "compress the original run's checkpoint instead")
    model = ckpt.load_into(mlp_from_config(config.model))
    _, parts, pre = prepared(config, load_run_data(config), ckpt.preprocessing)
    loss = make_loss(config.loss, config.n_classes)
    check_name(args)
    before = measure(model, loss, parts[2], config)
    small, new_config, details = compress_model(args, model, loss, parts, config)
    after = measure(small, loss, parts[2], config)
    run_dir = run_path(args)
    make_run_dir(run_dir, args.overwrite)
    record = {**new_config.to_dict(), "compression": {
        "method": args.method, "source": os.path.abspath(args.checkpoint), **details}}
    path = os.path.join(run_dir, "checkpoint.npz")
    save_checkpoint(path, small, preprocessing=pre, config=record)
    report = report_dict(args.method, details, before, after, path, args.checkpoint, model)
    write_json(os.path.join(run_dir, "compression.json"), report)
    if not args.quiet:
        print_report(report, run_dir)
    return 0
