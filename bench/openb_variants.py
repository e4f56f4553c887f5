#!/usr/bin/env python3
"""Writes stand-ins for the openb pod lists held back from this copy of the trace, resampled from the default list.

The published tables name variants this copy does not hold (cpu100/200/250, gpushare60/80/100, multigpu30/40/50). They
were sampled from the default list to stress one kind of work; these stand-ins are sampled the same way so a run can
estimate how a policy fares there. They are not the published lists: stand-ins for gpushare40 and multigpu20, which this
copy does hold, are written too, so a figure can be checked against the real list first.

  cpuNNN     the default list's GPU pods plus its CPU-only pods, drawn with replacement to the published row count
  gpushareNN the default list's CPU-only pods plus GPU pods drawn so that shares (one GPU or less) ask NN% of the GPUs
  multigpuNN the default list plus multi-GPU pods drawn from it until they ask NN% of the GPUs

usage: openb_variants.py DEFAULT_LIST.csv OUT_DIR
Standard library only.
"""
import csv
import os
import random
import sys

# Published row counts of the cpuNNN lists (README of the trace).
CPU_ROWS = {'cpu100': 7853, 'cpu200': 8832, 'cpu250': 9420}
GPUSHARE = [40, 60, 80, 100]
MULTIGPU = [20, 30, 40, 50]


def gpu_milli(row):
    count = int(row['num_gpu'])
    return 0 if count == 0 else int(row['gpu_milli']) if count == 1 else count * 1000


def write(out_dir, name, rows, header):
    with open(os.path.join(out_dir, f'openb_pod_list_{name}.csv'), 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        for i, row in enumerate(rows):
            writer.writerow({**row, 'name': f'{name}-{i:05d}'})


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, out_dir = sys.argv[1], sys.argv[2]
    with open(source, newline='') as f:
        rows = list(csv.DictReader(f))
    if not rows or 'num_gpu' not in rows[0] or 'gpu_milli' not in rows[0]:
        sys.exit(f'{source}: not an openb pod list (needs num_gpu and gpu_milli columns)')
    header = list(rows[0].keys())
    os.makedirs(out_dir, exist_ok=True)
    cpu_only = [r for r in rows if gpu_milli(r) == 0]
    gpu = [r for r in rows if gpu_milli(r) > 0]
    shares = [r for r in gpu if gpu_milli(r) < 1000]
    whole = [r for r in gpu if gpu_milli(r) >= 1000]
    multi = [r for r in gpu if int(r['num_gpu']) > 1]
    random_ = random.Random(1)

    for name, total in CPU_ROWS.items():
        wanted = total - len(gpu)
        extra = random_.sample(cpu_only, wanted) if wanted <= len(cpu_only) else cpu_only + [random_.choice(cpu_only) for _ in range(wanted - len(cpu_only))]
        write(out_dir, name, gpu + extra, header)

    mean_share = sum(map(gpu_milli, shares)) / len(shares)
    mean_whole = sum(map(gpu_milli, whole)) / len(whole)
    for percent in GPUSHARE:
        f = percent / 100
        # Share pods s of n GPU pods: s × mean_share = f × (s × mean_share + (n − s) × mean_whole).
        n = len(gpu)
        s = n if f >= 1 else round(f * n * mean_whole / (mean_share * (1 - f) + f * mean_whole))
        drawn = [random_.choice(shares) for _ in range(s)] + [random_.choice(whole) for _ in range(n - s)]
        write(out_dir, f'gpushare{percent}', cpu_only + drawn, header)

    for percent in MULTIGPU:
        listed = list(rows)
        asked = sum(map(gpu_milli, gpu))
        multi_asked = sum(map(gpu_milli, multi))
        while multi_asked < percent / 100 * asked:
            row = random_.choice(multi)
            listed.append(row)
            asked += gpu_milli(row)
            multi_asked += gpu_milli(row)
        write(out_dir, f'multigpu{percent}', listed, header)


if __name__ == '__main__':
    main()
