"""``chainrule evaluate`` and ``chainrule predict``: use the checkpoint of a trained run."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys

import numpy as np

from chainrule.cli import data as cli_data
from chainrule.cli.train import load_run, prepared
from chainrule.data import Dataset
from chainrule.train import evaluate, predict
from chainrule.train.metrics import predict_classes
from chainrule.train.mlp import make_loss, mlp_from_config


def _restore(path: str):
    ckpt = load_run(path)
    config = dict(ckpt.config)
    model = ckpt.load_into(mlp_from_config(config["model"]))
    return ckpt, config, model


def run_evaluate(args: argparse.Namespace) -> int:
    ckpt, config, model = _restore(args.checkpoint)
    n_classes = None if config.get("class_names") is None else len(config["class_names"])
    loss = make_loss(config["loss"], n_classes)
    metrics = ("accuracy",) if n_classes else ("mse", "r2")
    t = (lambda X: X) if ckpt.preprocessing is None else ckpt.preprocessing.transform
    if args.data is None or args.data == config["data"] and args.target is None:
        _, _, parts, _ = prepared(config, ckpt.preprocessing)
        named = dict(zip(("train", "validation", "test"), parts, strict=True))
    else:
        other = dict(config, data=args.data, target=args.target)
        data: Dataset = cli_data.load(other)
        if data.task != config["task"]:
            raise cli_data.UsageError(f"--data {args.data!r} holds a {data.task} target but the "
                                      f"model was trained for {config['task']}")
        named = {os.path.basename(args.data): (t(data.X), data.y)}
    results = {}
    for name, part in named.items():
        results[name] = evaluate(model, loss, part, metrics, confusion=n_classes is not None)
        shown = "  ".join(f"{k} {v:.4f}" for k, v in results[name].items()
                          if k != "confusion_matrix")
        print(f"{name:<11}{shown}  ({len(part[1])} samples)")
    last = results[list(results)[-1]]
    if "confusion_matrix" in last:
        print(f"confusion matrix ({list(results)[-1]}; rows: true class, columns: predicted):")
        names = config["class_names"]
        width = max(len(n) for n in names)
        for name, row in zip(names, last["confusion_matrix"], strict=True):
            print(f"  {name:>{width}}  " + " ".join(f"{v:4d}" for v in row))
    if args.json:
        print(json.dumps(results))
    return 0


def run_predict(args: argparse.Namespace) -> int:
    ckpt, config, model = _restore(args.checkpoint)
    X = cli_data.read_feature_rows(args.file, config["features"])
    if ckpt.preprocessing is not None:
        X = ckpt.preprocessing.transform(X)
    out = predict(model, X)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = config.get("class_names")
    if names:
        scores, label = out, "score"
        if config["loss"] == "cross_entropy":  # outputs are logits: report softmax probabilities
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
        tmp = f"{args.output}.tmp"
        with open(tmp, "w", newline="") as f:
            f.write(buffer.getvalue())
        os.replace(tmp, args.output)
        print(f"wrote {len(out)} predictions to {args.output}")
    else:
        sys.stdout.write(buffer.getvalue())
    return 0
