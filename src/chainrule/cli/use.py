"""``chainrule evaluate`` and ``chainrule predict``: use the checkpoint of a trained run."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys

import numpy as np

from chainrule.cli.config import RunConfig
from chainrule.cli.data import UsageError, load, load_run_data, prepared, read_feature_rows
from chainrule.cli.rundir import load_run
from chainrule.cli.scoring import predictions, score
from chainrule.files import write_text
from chainrule.nn import Module
from chainrule.train import Checkpoint
from chainrule.train.metrics import predict_classes
from chainrule.train.mlp import make_loss, mlp_from_config


def _restore(path: str) -> tuple[Checkpoint, RunConfig, Module]:
    ckpt, config = load_run(path)
    return ckpt, config, ckpt.load_into(mlp_from_config(config.model))


def run_evaluate(args: argparse.Namespace) -> int:
    """``chainrule evaluate``: print the scores of a checkpoint on its run's split or on
    ``--data``; returns the exit status."""
    ckpt, config, model = _restore(args.checkpoint)
    loss = make_loss(config.loss, config.n_classes)
    t = (lambda X: X) if ckpt.preprocessing is None else ckpt.preprocessing.transform
    if args.data is None or args.data == config.data and args.target is None:
        _, parts, _ = prepared(config, load_run_data(config), ckpt.preprocessing)
        named = dict(zip(("train", "validation", "test"), parts, strict=True))
    else:
        data = load(args.data, args.target, list(config.features), config.class_names,
                    config.seed)
        if data.task != config.task:
            raise UsageError(f"--data {args.data!r} holds a {data.task} target but the "
                             f"model was trained for {config.task}")
        named = {os.path.basename(args.data): (t(data.X), data.y)}
    results = {}
    for name, part in named.items():
        results[name] = score(model, loss, part, config)
        shown = "  ".join(f"{k} {v:.4f}" for k, v in results[name].items()
                          if k != "confusion_matrix")
        print(f"{name:<11}{shown}  ({len(part[1])} samples)")
    last = results[list(results)[-1]]
    if "confusion_matrix" in last:
        print(f"confusion matrix ({list(results)[-1]}; rows: true class, columns: predicted):")
        names = config.class_names
        width = max(len(n) for n in names)
        for name, row in zip(names, last["confusion_matrix"], strict=True):
            print(f"  {name:>{width}}  " + " ".join(f"{v:4d}" for v in row))
    if args.json:
        print(json.dumps(results))
    return 0


def run_predict(args: argparse.Namespace) -> int:
    """``chainrule predict``: write the predictions of a checkpoint for the rows of a CSV
    file (to ``--output`` or stdout); returns the exit status."""
    ckpt, config, model = _restore(args.checkpoint)
    X = read_feature_rows(args.file, list(config.features))
    if ckpt.preprocessing is not None:
        X = ckpt.preprocessing.transform(X)
    out = predictions(model, X, config)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = config.class_names
    if names:
        scores, label = out, "score"
        if config.loss == "cross_entropy":  # outputs are logits: report softmax probabilities
            shifted = np.exp(out - out.max(axis=1, keepdims=True))
            scores, label = shifted / shifted.sum(axis=1, keepdims=True), "p"
        writer.writerow(["row", "predicted", *(f"{label}_{n}" for n in names)])
        for i, (c, p) in enumerate(zip(predict_classes(out), scores, strict=True)):
            writer.writerow([i, names[c], *(f"{v:.6f}" for v in p)])
    else:
        writer.writerow(["row", *(f"prediction_{j}" for j in range(out.shape[1]))])
        for i, row in enumerate(out):
            writer.writerow([i, *(repr(float(v)) for v in row)])
    if args.output:
        write_text(args.output, buffer.getvalue())
        print(f"wrote {len(out)} predictions to {args.output}")
    else:
        sys.stdout.write(buffer.getvalue())
    return 0
