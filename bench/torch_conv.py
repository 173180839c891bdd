#!/usr/bin/env python3
"""Times PyTorch's float conv2d on the shapes of `bitnas bench conv`.

The four ResNet18 3x3 layers at CIFAR resolution (Cin = Cout, stride 1, pad 1, no bias):
64ch 32x32, 128ch 16x16, 256ch 8x8 and 512ch 4x4, NCHW float32, batch 64 by default, under
torch.no_grad(). Each layer is warmed up, then the median of --repeats runs is reported, one
JSON object per line: {"layer", "threads", "batch", "torch_ms", "torch_gops"} (a multiply-add
counts as two operations, as in bitnas).

Debian's package is enough: `apt-get install -y python3-torch`, then run it with the system
interpreter (another python3 earlier in PATH may not see that package):

    /usr/bin/python3 bench/torch_conv.py --threads 1 > torch.jsonl
    ./build/bitnas bench conv --threads 1 --json > bitnas.jsonl
    /usr/bin/python3 bench/torch_conv.py --compare bitnas.jsonl torch.jsonl

Use the same --threads and --batch for both programs. Lines with the same "layer" describe the
same convolution; torch_ms / binary_ms is the binary kernel's speed-up over PyTorch's float
conv, next to bitnas's own ratio (float_ms / binary_ms, against its Eigen float conv).
--compare prints that table from the two files and runs no benchmark.
"""

import argparse
import json
import statistics
import sys
import time

LAYERS = [("c64_32x32", 64, 32), ("c128_16x16", 128, 16), ("c256_8x8", 256, 8),
          ("c512_4x4", 512, 4)]


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def bench(threads, batch, repeats):
    import torch  # imported here so --compare works without torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    with torch.no_grad():
        for name, channels, size in LAYERS:
            x = torch.randn(batch, channels, size, size, dtype=torch.float32)
            w = torch.randn(channels, channels, 3, 3, dtype=torch.float32)
            torch.nn.functional.conv2d(x, w, stride=1, padding=1)  # warm-up
            times_ms = []
            for _ in range(repeats):
                start = time.perf_counter()
                torch.nn.functional.conv2d(x, w, stride=1, padding=1)
                times_ms.append((time.perf_counter() - start) * 1e3)
            ms = statistics.median(times_ms)
            ops = 2.0 * batch * size * size * channels * channels * 9
            print(json.dumps({"layer": name, "threads": threads, "batch": batch,
                              "torch_ms": ms, "torch_gops": ops / (ms * 1e6)}), flush=True)


def read_json_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def compare(bitnas_path, torch_path):
    torch_rows = {row["layer"]: row for row in read_json_lines(torch_path)}
    print(f"{'layer':<11} {'isa':<8} {'threads':>7} {'binary_ms':>10} {'torch_ms':>9} "
          f"{'vs_torch':>8} {'float_ms':>9} {'vs_eigen':>8}")
    for row in read_json_lines(bitnas_path):
        other = torch_rows.get(row["layer"])
        if other is None:
            print(f"{row['layer']}: no torch line", file=sys.stderr)
            continue
        if other["threads"] != row["threads"] or other["batch"] != row["batch"]:
            print(f"{row['layer']}: threads/batch differ between the files", file=sys.stderr)
        print(f"{row['layer']:<11} {row['isa']:<8} {row['threads']:>7} {row['binary_ms']:>10.3f} "
              f"{other['torch_ms']:>9.3f} {other['torch_ms'] / row['binary_ms']:>8.2f} "
              f"{row['float_ms']:>9.3f} {row['ratio']:>8.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=positive_int, default=None,
                        help="intra-op threads (default: every core)")
    parser.add_argument("--batch", type=positive_int, default=64)
    parser.add_argument("--repeats", type=positive_int, default=10)
    parser.add_argument("--compare", nargs=2, metavar=("BITNAS_JSONL", "TORCH_JSONL"),
                        help="print binary vs torch times from saved outputs and exit")
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
        return
    threads = args.threads
    if threads is None:
        import os
        threads = len(os.sched_getaffinity(0))
    bench(threads, args.batch, args.repeats)


if __name__ == "__main__":
    main()
