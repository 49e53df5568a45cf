"""Model compression on digits (issue 15, seed 003 section 3.7.3): every method of
`chainrule compress` at three strengths, for the network of `chainrule train --data digits
--hidden 128 --activation relu --optimizer adam --lr 0.001 --batch-size 32 --epochs 30` and a
wider one (`--hidden 512,512`), against the uncompressed network: checkpoint bytes on disk (a
model-only checkpoint for the original, so optimizer state does not count), parameters stored,
test accuracy (the mean over 5 training seeds: the test part has 360 samples, so one seed's
change moves by a point or two) and inference time per 1,000 samples. Targets: 90 % sparsity
and int8 each within 1 percentage point of the original test accuracy after fine-tuning, and
int8 at least 4x smaller on disk. Writes the size/accuracy plot to docs/compression.png.

Run: .venv/bin/python benchmarks/compression.py [--plot docs/compression.png]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile

import numpy as np

from chainrule.cli import main as chainrule

TRAIN = ["--data", "digits", "--activation", "relu", "--optimizer", "adam", "--lr", "0.001",
         "--batch-size", "32", "--epochs", "30", "--quiet"]
NETWORKS = {"64-128-10": ["--hidden", "128"], "64-512-512-10": ["--hidden", "512,512"]}
# method -> three strengths, each (label, options); fine-tuning epochs are the command's 10
STRENGTHS = {
    "prune": [("50 %", ["--sparsity", "0.5"]), ("80 %", ["--sparsity", "0.8"]),
              ("90 %, 5 rounds of 10 epochs", ["--sparsity", "0.9", "--iterative", "5",
                                               "--epochs", "10", "--scope", "global"])],
    "quantize": [("int8 per tensor", ["--per-tensor"]), ("int8 per channel", []),
                 ("int8 QAT 3 epochs", ["--qat", "3"])],
    "lowrank": [("90 % energy", ["--energy", "0.9"]), ("70 % energy", ["--energy", "0.7"]),
                ("50 % energy", ["--energy", "0.5"])],
    "hash": [("1/2", ["--compression", "0.5"]), ("1/4", ["--compression", "0.25"]),
             ("1/8", ["--compression", "0.125"])],
    "mimic": [("student /2", ["--fraction", "0.5"]), ("student /4", ["--fraction", "0.25"]),
              ("student /8", ["--fraction", "0.125"])],
}


def student(hidden: list[str], fraction: float) -> list[str]:
    sizes = [max(1, round(int(h) * fraction)) for h in hidden[1].split(",")]
    return ["--hidden", ",".join(map(str, sizes))]


def run(folder: str, network: str, hidden: list[str], seed: int) -> list[dict]:
    network = f"{network}-seed{seed}"
    if chainrule(["train", *TRAIN, *hidden, "--seed", str(seed), "--out", folder, "--name",
                  network]) != 0:
        raise SystemExit(f"training {network} failed")
    source = os.path.join(folder, network, "checkpoint.npz")
    rows = []
    for method, strengths in STRENGTHS.items():
        for label, options in strengths:
            if options[:1] == ["--fraction"]:
                options = student(hidden, float(options[1]))
            name = f"{network}-{method}-{len(rows)}"
            status = chainrule(["compress", source, "--method", method, *options, "--out",
                                folder, "--name", name, "--quiet"])
            if status != 0:
                raise SystemExit(f"compress {method} {options} failed ({status})")
            with open(os.path.join(folder, name, "compression.json")) as f:
                report = json.load(f)
            rows.append({"method": method, "strength": label, **report})
    return rows


def change(r: dict) -> float:
    """The test accuracy's change in percentage points."""
    return 100 * (r["after"]["test"]["accuracy"] - r["before"]["test"]["accuracy"])


def merged(runs: list[list[dict]]) -> list[dict]:
    """The seeds' rows side by side: sizes of the first seed (they hardly move), accuracies
    and changes of every seed, the median inference time."""
    rows = []
    for same in zip(*runs, strict=True):
        rows.append({**same[0], "accuracies": [r["after"]["test"]["accuracy"] for r in same],
                     "bases": [r["before"]["test"]["accuracy"] for r in same],
                     "changes": [change(r) for r in same],
                     "ms": float(np.median([r["after"]["inference_ms_per_1000"]
                                            for r in same]))})
    return rows


def table(network: str, rows: list[dict]) -> str:
    base = rows[0]["before"]
    seeds = len(rows[0]["changes"])
    lines = [f"**{network}**: uncompressed {base['file_bytes']:,} bytes, "
             f"{base['parameters']:,} parameters, test accuracy "
             f"{np.mean(rows[0]['bases']):.4f} (mean of {seeds} training seeds), "
             f"{base['inference_ms_per_1000']:.2f} ms per 1,000 samples", "",
             "| method | strength | bytes on disk | smaller | numbers stored | test accuracy "
             "| change (points), mean (min to max) | ms / 1,000 |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        a, c = r["after"], r["changes"]
        lines.append(f"| {r['method']} | {r['strength']} | {a['file_bytes']:,} | "
                     f"{r['smaller_on_disk']:.1f}x | {a['stored_numbers']:,} | "
                     f"{np.mean(r['accuracies']):.4f} | {np.mean(c):+.1f} ({min(c):+.1f} to "
                     f"{max(c):+.1f}) | {r['ms']:.2f} |")
    return "\n".join(lines)


def targets(rows: list[dict]) -> str:
    sparse = next(r for r in rows if r["strength"].startswith("90 %"))
    best = max((r for r in rows if r["method"] == "quantize"),
               key=lambda r: np.mean(r["changes"]))
    drop, int8 = np.mean(sparse["changes"]), np.mean(best["changes"])
    return (f"90 % sparsity: {drop:+.2f} points on average (target within 1: "
            f"{'PASS' if drop >= -1 else 'MISS'}); int8 ({best['strength']}): {int8:+.2f} "
            f"points (target within 1: {'PASS' if int8 >= -1 else 'MISS'}), "
            f"{best['smaller_on_disk']:.1f}x smaller on disk (target >= 4: "
            f"{'PASS' if best['smaller_on_disk'] >= 4 else 'MISS'})")


def plot(results: dict[str, list[dict]], path: str) -> None:
    from chainrule.pictures import new_figure, save_figure

    fig = new_figure(11.0, 4.2, "benchmarks/compression.py")
    for ax, (network, rows) in zip(fig.subplots(1, len(results)), results.items(),
                                   strict=True):
        base = rows[0]["before"]
        ax.scatter([base["file_bytes"]], [np.mean(rows[0]["bases"])], marker="*", s=160,
                   color="black", label="uncompressed", zorder=3)
        for method in STRENGTHS:
            mine = [r for r in rows if r["method"] == method]
            ax.plot([r["after"]["file_bytes"] for r in mine],
                    [np.mean(r["accuracies"]) for r in mine], "o-", label=method)
        ax.set_xscale("log")
        ax.set_xlabel("checkpoint bytes on disk (log scale)")
        ax.set_ylabel(f"test accuracy (mean of {len(rows[0]['changes'])} seeds)")
        ax.set_title(network)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, path, "benchmarks/compression.py")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", default=os.path.join("docs", "compression.png"))
    parser.add_argument("--seeds", type=int, default=5)
    options = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for network, hidden in NETWORKS.items():
            results[network] = merged([run(folder, network, hidden, seed)
                                       for seed in range(options.seeds)])
            print(table(network, results[network]))
            print(targets(results[network]), "\n")
    plot(results, options.plot)
    print(f"wrote {options.plot}")


if __name__ == "__main__":
    main()
