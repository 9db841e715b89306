#!/usr/bin/env python3
"""Reads what tools/gpu/run left in WORK and writes OUT/gpu-results.json and OUT/gpu-summary.md.

summarize.py WORK OUT 0 DEVICE ARCH GPUS BUDGET     after a measurement
summarize.py --collect-only WORK OUT CODE           after a call that only collected chunks (or failed to)
"""
import csv
import datetime
import glob
import json
import os
import platform
import re
import sys

# Published anchors the README compares with (images/s).
ANCHORS = {
    "timm seresnet50, AMP, RTX 4090, batch 256": 3649,
    "Triton + TensorRT ResNet-50 float16, A100": 2858,
}
# Bounds after the GPU tests' (tests/Evaluation.Tests/Gpu: logits within 1e-3 of their scale; float16 keeps >= 14 of
# 16 top-1 classes), loosened for probabilities computed with TF32 convolutions (the CUDA default here).
MAX_PROBABILITY_DIFFERENCE = 5e-3
MIN_TOP1_AGREEMENT = 0.99
MIN_FP16_TOP1_AGREEMENT = 14 / 16
RESULT_KEYS = ["format", "complete", "device", "machine", "kit", "steps", "checks", "multi_model", "bench", "e2e", "cluster", "anchors", "problems"]


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def predictions(folder):
    rows = {}
    for part in sorted(glob.glob(os.path.join(folder, "predictions", "shard-*.csv"))):
        with open(part, newline="") as f:
            for row in csv.DictReader(f):
                rows[row["image"]] = row
    return rows


def compare(reference_folder, other_folder):
    """Per image: same top-1, same top-5 list, largest top-5 probability difference; and the report's counts."""
    a, b = predictions(reference_folder), predictions(other_folder)
    ra, rb = load(os.path.join(reference_folder, "report.json")), load(os.path.join(other_folder, "report.json"))
    if not a or not b or ra is None or rb is None:
        return None
    common = sorted(set(a) & set(b))
    same_top1 = sum(a[i]["top1"] == b[i]["top1"] for i in common)
    same_top5 = sum([a[i][f"top{k}"] for k in range(1, 6)] == [b[i][f"top{k}"] for k in range(1, 6)] for i in common)
    largest = 0.0
    for i in common:
        if [a[i][f"top{k}"] for k in range(1, 6)] == [b[i][f"top{k}"] for k in range(1, 6)]:
            largest = max(largest, max(abs(float(a[i][f"prob{k}"]) - float(b[i][f"prob{k}"])) for k in range(1, 6)))
    counts = {key: [ra.get(key), rb.get(key)] for key in ("images", "failed", "top1_correct", "top5_correct")}
    return {
        "images": len(common), "only_in_one": len(set(a) ^ set(b)),
        "top1_same": same_top1, "top1_changed": len(common) - same_top1, "top1_agreement": same_top1 / len(common) if common else None,
        "top5_same_order": same_top5, "largest_probability_difference": largest,
        "counts": counts, "counts_equal": all(x == y for x, y in counts.values()),
        "providers": [ra.get("execution_provider"), rb.get("execution_provider")],
    }


def multi_model(eval_root):
    """One pass, several evaluations: each model's centre view against its own single run (counts must be equal)."""
    multi = os.path.join(eval_root, "multi")
    if not os.path.isdir(multi):
        return None
    keys = ("images", "failed", "top1_correct", "top5_correct")
    rows = []
    for model, single in (("m32", "device"), ("m16", "device-fp16")):
        a, b = load(os.path.join(multi, model, "center", "report.json")), load(os.path.join(eval_root, single, "report.json"))
        rows.append({"model": model, "view": "center", "single_run": single,
                     "in_one_pass": [a.get(k) for k in keys] if a else None, "alone": [b.get(k) for k in keys] if b else None,
                     "equal": a is not None and b is not None and all(a.get(k) == b.get(k) for k in keys)})
    views = sorted(os.listdir(os.path.join(multi, "m32"))) if os.path.isdir(os.path.join(multi, "m32")) else []
    return {"evaluations": len(views) * 2, "views": views, "checks": rows}


def busy_share(csv_path, start=None, end=None):
    """Mean utilization.gpu (percent) of the nvidia-smi samples within [start, end] (epoch seconds), per GPU."""
    if not csv_path or not os.path.exists(csv_path):
        return None
    per_gpu = {}
    with open(csv_path) as f:
        for line in f:
            fields = [x.strip() for x in line.split(",")]
            if len(fields) < 6:
                continue
            try:
                when = datetime.datetime.strptime(fields[0], "%Y/%m/%d %H:%M:%S.%f").timestamp()
                utilization = float(fields[2])
            except ValueError:
                continue
            if (start is None or when >= start) and (end is None or when <= end):
                per_gpu.setdefault(fields[1], []).append((utilization, fields[3], fields[4], fields[5]))
    if not per_gpu:
        return None
    result = {}
    for gpu, samples in per_gpu.items():
        numbers = lambda i: [float(s[i]) for s in samples if re.fullmatch(r"[0-9.]+", s[i])]
        memory, power, clocks = numbers(1), numbers(2), numbers(3)
        result[gpu] = {
            "samples": len(samples),
            "busy_percent_mean": sum(s[0] for s in samples) / len(samples),
            "busy_percent_at_least_90_share": sum(s[0] >= 90 for s in samples) / len(samples),
            "memory_used_mib_max": max(memory) if memory else None,
            "power_w_mean": sum(power) / len(power) if power else None,
            "sm_clock_mhz_mean": sum(clocks) / len(clocks) if clocks else None,
        }
    return result


def tail(path, lines=6):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:]).strip()
    except OSError:
        return None


def measured(work, out, device, arch, gpus, budget):
    logs = os.path.join(work, "logs")
    steps = [json.loads(line) for line in open(os.path.join(work, "steps.jsonl")) if line.strip()]
    by_name = {s["step"]: s for s in steps}
    collect = load(os.path.join(work, "collect.json")) or {}
    problems = []
    for s in steps:
        if s.get("rc") not in (0, None):
            problems.append(f"{s['step']} exited {s['rc']}{' (time limit)' if s['rc'] == 124 else ''}: {tail(os.path.join(logs, s['step'] + '.log'), 3)}")
        elif s.get("rc") is None:
            problems.append(f"{s['step']} skipped: {s['skipped']}")

    env_log = open(os.path.join(logs, "env.log"), errors="replace").read() if os.path.exists(os.path.join(logs, "env.log")) else ""
    missing_libraries = sorted(set(re.findall(r"^\s*(\S+) => not found", env_log, re.M)))
    gpu_names = re.findall(r"^GPU \d+: (.+?) \(UUID", os.popen("nvidia-smi -L 2>/dev/null").read(), re.M)
    driver = re.search(r"Driver Version: (\S+)", env_log)

    eval_root = os.path.join(work, "eval")
    device_vs_cpu = compare(os.path.join(eval_root, "cpu"), os.path.join(eval_root, "device"))
    fp16_vs_fp32 = compare(os.path.join(eval_root, "device"), os.path.join(eval_root, "device-fp16"))
    checks = {"device_vs_cpu": device_vs_cpu, "fp16_vs_fp32": fp16_vs_fp32}
    several = multi_model(eval_root)
    if device_vs_cpu:
        device_vs_cpu["pass"] = device_vs_cpu["top1_agreement"] >= MIN_TOP1_AGREEMENT \
            and device_vs_cpu["largest_probability_difference"] <= MAX_PROBABILITY_DIFFERENCE
    if fp16_vs_fp32:
        fp16_vs_fp32["pass"] = fp16_vs_fp32["top1_agreement"] >= MIN_FP16_TOP1_AGREEMENT
    eval_device_log = os.path.join(logs, "eval-device.log")
    if by_name.get("eval-device", {}).get("rc") not in (0, None):
        text = open(eval_device_log, errors="replace").read() if os.path.exists(eval_device_log) else ""
        if collect.get("pruned") and re.search(r"no kernel image|invalid device function|CUDA_ERROR_NO_BINARY|named symbol not found", text, re.I):
            problems.insert(0, "the provider pruned to the staged SM did not run on this GPU: carry the restore calls of gpu-kit/plan.txt")

    bench_document = load(os.path.join(out, "bench.json"))
    bench = dict(bench_document["figures"]) if bench_document else None
    if bench and "bench" in by_name and by_name["bench"].get("rc") == 0:
        # The samples taken during the engine's end-to-end run (the bench records its wall-clock bounds).
        end = bench.get("e2e_end_unix") or float(by_name["bench"]["end"])
        start = bench.get("e2e_start_unix") or end - bench.get("e2e_seconds", 0)
        bench["e2e_gpu"] = busy_share(os.path.join(logs, "smi-bench.csv"), start, end)
        if bench.get("fp16_images_compared"):
            bench["fp16_top1_flips"] = bench.get("fp16_top1_changed")
        cores = bench.get("cores") or os.cpu_count()
        per_core = bench.get("decode_preprocess_images_per_second_per_core")
        for key in ("best_images_per_second", "fp16_images_per_second"):
            if per_core and bench.get(key):
                bench[f"cores_to_decode_{key.replace('_images_per_second', '')}"] = bench[key] / per_core
        bench["cores"] = cores

    e2e_report = load(os.path.join(eval_root, "e2e", "report.json"))
    e2e = None
    if e2e_report:
        step_e2e = by_name.get("e2e", {})
        e2e = {"images": e2e_report.get("images"), "failed": e2e_report.get("failed"), "images_per_second": e2e_report.get("images_per_second"),
               "duration_seconds": e2e_report.get("duration_seconds"), "execution_provider": e2e_report.get("execution_provider"),
               "cores": os.cpu_count(), "wall_seconds": float(step_e2e["end"]) - float(step_e2e["start"]) if "end" in step_e2e else None,
               "gpu": busy_share(os.path.join(logs, "smi-e2e.csv"))}

    cluster_report = load(os.path.join(eval_root, "cluster", "report.json"))
    cluster = {"skipped": by_name.get("cluster", {}).get("skipped")}
    if cluster_report:
        devices = set()
        for log in glob.glob(os.path.join(eval_root, "cluster", "logs", "shard-*.json")):
            entry = load(log) or {}
            devices.add(str(entry.get("device") or entry.get("Device")) + "@" + str(entry.get("silo") or entry.get("worker") or ""))
        cluster = {"images": cluster_report.get("images"), "images_per_second": cluster_report.get("images_per_second"),
                   "workers": sorted(devices), "gpu": busy_share(os.path.join(logs, "smi-cluster.csv"))}

    anchors = {}
    if bench:
        for name, figure in ANCHORS.items():
            anchors[name] = {"anchor_images_per_second": figure,
                             "fp32_ratio": (bench.get("best_images_per_second") or 0) / figure,
                             "fp16_ratio": (bench.get("fp16_images_per_second") or 0) / figure}

    results = {
        "format": 1, "complete": True, "device": device,
        "machine": {"date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "cores": os.cpu_count(),
                    "gpus": int(gpus), "gpu_names": gpu_names, "driver": driver.group(1) if driver else None,
                    "kernel": platform.release(), "nvidia_libs": open(os.path.join(work, "nvidia_libs.txt")).read().strip().split(":") if os.path.exists(os.path.join(work, "nvidia_libs.txt")) else [],
                    "provider_missing_libraries": missing_libraries},
        "kit": {"stage_id": collect.get("stage_id"), "pruned": collect.get("pruned"), "restored": collect.get("restored"), "architecture": arch, "budget_s": int(budget)},
        "steps": steps, "checks": checks, "multi_model": several, "bench": bench, "e2e": e2e, "cluster": cluster, "anchors": anchors, "problems": problems,
    }
    return results


def markdown(results):
    r = results
    lines = [f"# GPU measurement ({r['device']}), {r['machine']['date_utc']}", ""]
    m = r["machine"]
    lines.append(f"Machine: {', '.join(m['gpu_names']) or 'no GPU'} (driver {m['driver']}), {m['cores']} cores; kit {r['kit']['stage_id']}"
                 f"{', provider pruned to the staged SM' if r['kit']['pruned'] else ''}{', provider restored whole' if r['kit']['restored'] else ''}.")
    if m["provider_missing_libraries"]:
        lines.append(f"CUDA provider's libraries not found: {', '.join(m['provider_missing_libraries'])}.")
    lines.append("")
    if r["problems"]:
        lines += ["## Problems", ""] + [f"- {p}" for p in r["problems"]] + [""]
    lines += ["## Checks (the GPU tests' equivalents, through `senet evaluate`)", "", "| check | images | top-1 same | top-5 same order | largest prob. difference | counts equal | pass |", "|---|---|---|---|---|---|---|"]
    for name, c in r["checks"].items():
        if c:
            lines.append(f"| {name} ({' vs '.join(map(str, c['providers']))}) | {c['images']} | {c['top1_same']} ({c['top1_agreement']:.2%}) | {c['top5_same_order']} | {c['largest_probability_difference']:.2e} | {c['counts_equal']} | {c.get('pass')} |")
        else:
            lines.append(f"| {name} | not measured | | | | | |")
    lines.append("")
    m = r.get("multi_model")
    if m:
        lines += ["## One pass, several evaluations (`evaluate --model m32 --model m16 --view center --view 224@1.0`)", ""]
        lines += [f"- {c['model']} {c['view']}: in one pass {c['in_one_pass']}, alone ({c['single_run']}) {c['alone']} (images, failed, top-1, top-5): equal {c['equal']}" for c in m["checks"]]
        lines.append(f"- {m['evaluations']} evaluations (views {', '.join(m['views'])}) from one read and decode of each image")
        lines.append("")
    b = r["bench"]
    if b:
        gpu = b.get("e2e_gpu") or {}
        busy = ", ".join(f"GPU {k}: {v['busy_percent_mean']:.0f} % busy ({v['samples']} samples)" for k, v in gpu.items()) or "no nvidia-smi samples"
        def f(key, fmt="{:.1f}"):
            return fmt.format(b[key]) if b.get(key) is not None else "n/a"
        lines += ["## `senet bench --find-batch --fp16`", "",
                  f"- {b.get('architecture')} on {b.get('execution_provider')} ({b.get('streams')} stream(s)): best batch {b.get('best_batch')}, **{f('best_images_per_second')} images/s** float32",
                  f"- float16: **{f('fp16_images_per_second')} images/s** at batch {b.get('fp16_batch')} ({f('fp16_speedup', '{:.2f}')}× float32); "
                  f"top-1 flips {b.get('fp16_top1_changed')} of {b.get('fp16_images_compared')}, float32's top-1 out of float16's top 5: {b.get('fp16_top5_missed')}",
                  f"- decode + preprocess: {f('decode_preprocess_images_per_second_per_core', '{:.0f}')} images/s per core; cores to keep up: "
                  f"{f('cores_to_decode_best', '{:.2f}')} (float32), {f('cores_to_decode_fp16', '{:.2f}')} (float16) of {b.get('cores')}",
                  f"- engine end to end, batch {b.get('e2e_batch')}: {f('e2e_images_per_second')} images/s over {b.get('e2e_images')} images ({f('e2e_ideal_images_per_second')} ideal); {busy}", ""]
    e = r["e2e"]
    if e:
        gpu = e.get("gpu") or {}
        busy = ", ".join(f"GPU {k}: {v['busy_percent_mean']:.0f} % busy, ≥90 % in {v['busy_percent_at_least_90_share']:.0%} of {v['samples']} samples" for k, v in gpu.items()) or "no nvidia-smi samples"
        lines += ["## End to end: `senet evaluate` (embedded silo) on generated JPEGs", "",
                  f"- {e['images']} images ({e['failed']} failed) on {e['execution_provider']}, {e['cores']} cores: **{e['images_per_second']:.1f} images/s** "
                  f"({e['duration_seconds']:.1f} s in the job; {e['wall_seconds']:.1f} s with the silo's start); {busy}", ""]
    c = r["cluster"]
    if c.get("skipped"):
        cluster_line = f"- {c['skipped']}"
    else:
        rate = c.get("images_per_second")
        cluster_line = f"- {c.get('images')} images at {rate:.1f} images/s on {len(c.get('workers', []))} worker(s): {', '.join(c.get('workers', []))}" if rate else "- not measured"
    lines += ["## Several GPUs", "", cluster_line, ""]
    if r["anchors"]:
        lines += ["## Against the published anchors", "", "| anchor | images/s | float32 here / anchor | float16 here / anchor |", "|---|---|---|---|"]
        for name, a in r["anchors"].items():
            lines.append(f"| {name} | {a['anchor_images_per_second']:,} | {a['fp32_ratio']:.2f} | {a['fp16_ratio']:.2f} |")
        lines.append("")
    lines += ["## Steps", "", "| step | exit | seconds |", "|---|---|---|"]
    for s in r["steps"]:
        seconds = f"{float(s['end']) - float(s['start']):.1f}" if "end" in s else s.get("skipped", "")
        lines.append(f"| {s['step']} | {s['rc']} | {seconds} |")
    return "\n".join(lines) + "\n"


def main():
    if sys.argv[1] == "--collect-only":
        work, out, code = sys.argv[2], sys.argv[3], int(sys.argv[4])
        collect = load(os.path.join(work, "collect.json")) or {}
        results = {key: None for key in RESULT_KEYS}
        results.update({"format": 1, "complete": False, "collect": collect, "steps": [], "problems": [collect.get("error")] if collect.get("error") else []})
        text = f"# GPU kit: collecting chunks\n\nThis call {'could not collect the chunks: ' + str(collect.get('error')) if code == 1 else 'collected ' + ', '.join(collect.get('moved', [])) + '.'}\n"
        if collect.get("next_calls"):
            text += f"\nCarry next: {', '.join('gpu-kit/call' + str(c) for c in collect['next_calls'])} (gpu-kit/plan.txt).\n"
    else:
        work, out, _, device, arch, gpus, budget = sys.argv[1:8]
        results = measured(work, out, device, arch, gpus, budget)
        text = markdown(results)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "gpu-results.json"), "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(out, "gpu-summary.md"), "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
