"""``chainrule train``: build the data, network and optimizer from the command line, train,
report, and write the run folder (checkpoint, metrics.json, history.json, figures; with
``--diagnose`` also diagnostics.json and the diagnostics report, seed 003 section 3.4)."""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

import numpy as np

from chainrule.cli import report
from chainrule.cli.config import RunConfig, requested_data
from chainrule.cli.config_file import apply_config
from chainrule.cli.data import UsageError, load, load_run_data, prepared
from chainrule.cli.diverged import RunCheckpointer, keep_diverged
from chainrule.cli.rundir import (
    check_epochs,
    check_name,
    load_run,
    make_run_dir,
    run_path,
    write_json,
)
from chainrule.cli.scoring import score
from chainrule.devices import Device, DeviceError, device
from chainrule.diagnose import Diagnostics
from chainrule.distributed.ray_session import import_ray
from chainrule.train import NonFiniteLossError, ProgressBar, ValidationLossWarning, fit
from chainrule.train.compiled_step import CompileFallbackWarning
from chainrule.train.mlp import l2_term, make_loss, mlp_from_config


def run_train(args: argparse.Namespace) -> int:
    """``chainrule train``: train a new run, or ``--resume`` one; returns the exit status."""
    dev = _device(args.device)  # an unavailable device stops here, before anything else
    _check_backend(args)
    if args.config:
        if args.resume:
            raise UsageError("--config and --resume: a resumed run keeps its own settings; "
                             "give one of them")
        args = apply_config(args, args.config)
    resume = None
    if args.resume:
        resume, config = load_run(args.resume)
        if args.epochs is not None:
            config = config.with_epochs(args.epochs)
        check_epochs(args.resume, config.epochs, resume.epoch, args.epochs)
        run_dir = os.path.dirname(os.path.abspath(args.resume))
        data = load_run_data(config)
    else:
        check_name(args)
        data = load(*requested_data(args), seed=args.seed or 0)
        run_dir = run_path(args)
        config = RunConfig.from_args(args, data, name=os.path.basename(run_dir))
    raw, parts, pre = prepared(config, data, resume.preprocessing if resume else None)
    if resume is None:
        make_run_dir(run_dir, args.overwrite)
    # the network learns standardized regression targets (RunConfig.regression_lr explains)
    (Xtr, ytr), val = ((X, config.scale_targets(y)) for X, y in parts[:2])
    model = mlp_from_config(config.model)
    loss = make_loss(config.loss, config.n_classes)
    ckpt_path = os.path.join(run_dir, "checkpoint.npz")
    every = args.checkpoint_every or max(1, config.epochs // 10)
    checkpointer = RunCheckpointer(ckpt_path, every=every, preprocessing=pre,
                                   config=config.to_dict())
    callbacks = [checkpointer]
    diagnostics = _diagnostics(args, resume, loss, config)
    if diagnostics is not None:
        callbacks.insert(0, diagnostics)
    if not args.quiet:
        callbacks.insert(0, ProgressBar(force=args.progress))
        report.describe(config, model, parts)
    start = time.perf_counter()
    try:  # non-finite values and the tenfold validation-loss growth are reported below
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"), \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("ignore", ValidationLossWarning)
            warnings.simplefilter("always", CompileFallbackWarning)
            history = fit(model, loss, (Xtr, ytr), config.optimizer_transformation(),
                          epochs=config.epochs, batch_size=config.batch_size, validation=val,
                          callbacks=callbacks, seed=config.seed, metrics=config.metrics,
                          penalty=l2_term(config.l2, len(Xtr)),
                          resume=resume, device=dev, jit=not args.no_jit,
                          workers=args.workers, backend=args.backend,
                          synchronous=not args.asynchronous, address=args.address)
        _note_fallback(caught, args.quiet)
    except NonFiniteLossError as error:
        if diagnostics is not None:  # the records up to the divergence show how it came
            write_json(os.path.join(run_dir, "diagnostics.json"), diagnostics.to_dict())
        keep_diverged(run_dir, config, checkpointer, error, time.perf_counter() - start)
        raise
    seconds = time.perf_counter() - start
    model.to("cpu")  # scores, figures and reports read the trained model on the host
    results = {name: score(model, loss, part, config)
               for name, part in zip(("train", "validation", "test"), parts, strict=True)}
    summary = report.summary(config, history, results, seconds)
    write_json(os.path.join(run_dir, "metrics.json"), summary)
    write_json(os.path.join(run_dir, "history.json"), history.to_dict())
    written = ["checkpoint.npz", "metrics.json", "history.json"]
    written += report.figures(run_dir, config, model, pre, raw, history, args.quiet)
    if diagnostics is not None:
        written += report.diagnostics_files(run_dir, diagnostics, model)
        if not args.quiet:
            print(diagnostics.report())
    if not args.quiet:
        report.scores(results, summary, run_dir, written)
        report.print_warnings(summary)
    return 0


def _note_fallback(caught: list, quiet: bool) -> None:
    """One line on stderr when the step could not be compiled (fit trained eagerly)."""
    for w in caught:
        if issubclass(w.category, CompileFallbackWarning) and not quiet:
            reason = str(w.message).split(": ", 2)[-1]
            print(f"chainrule train: note: the training step runs eagerly (--no-jit says so "
                  f"without this note): {' '.join(reason.split())}", file=sys.stderr)
        elif not issubclass(w.category, CompileFallbackWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _device(name: str) -> Device:
    """The training device ``--device`` names, or a ``UsageError`` (exit status 2) saying why
    it is not available here."""
    try:
        return device(name)
    except (DeviceError, ValueError) as error:
        raise UsageError(f"--{error}") from None


def _check_backend(args: argparse.Namespace) -> None:
    """A ``UsageError`` (exit status 2) for --backend ray without Ray, or --address without
    it, before any data is loaded."""
    if args.backend == "ray":
        try:
            import_ray("--backend ray")
        except ImportError as error:
            raise UsageError(str(error)) from None
    elif args.address is not None:
        raise UsageError("--address names a Ray cluster: use it with --backend ray")


def _diagnostics(args, resume, loss, config: RunConfig) -> Diagnostics | None:
    """The ``Diagnostics`` callback for ``--diagnose`` (at most ~100 records per run), or None.
    A resumed run keeps the callbacks it was saved with, so it diagnoses exactly when the
    original run did."""
    saved = resume is not None and "Diagnostics" in resume.callback_classes
    if resume is not None and getattr(args, "diagnose", False) and not saved:
        raise ValueError(f"--diagnose: the run {args.resume!r} was trained without diagnostics "
                         "and a resumed run keeps its callbacks; resume without --diagnose, or "
                         "start a new run with it")
    if not (saved or getattr(args, "diagnose", False)):
        return None
    return Diagnostics(loss, every=max(1, config.epochs // 100))
