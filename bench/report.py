"""Write docs/benchmarks.md from the latest results of make bench and make load."""

import json
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) // 1024 // 1024} GiB"
    except OSError:
        pass
    return "unknown"


def postgres_version():
    try:
        out = subprocess.run(["psql", "--version"], capture_output=True, text=True, check=False)
        return out.stdout.strip()
    except OSError:
        return "unknown"


def pages_table(result):
    lines = [
        "| page | queries uncached / cached | bytes | uncached req/s | p50 ms | p95 ms "
        "| cached req/s | p50 ms | p95 ms | static file req/s | cached / static |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for page in result["pages"]:
        u, c, s = page["uncached"], page["cached"], page["static"]
        lines.append(
            f"| {page['name']} | {page['queries_uncached']} / {page['queries_cached']} "
            f"| {page['bytes']:,} | {u['rps']:,} | {u['p50_ms']} | {u['p95_ms']} "
            f"| {c['rps']:,} | {c['p50_ms']} | {c['p95_ms']} | {s['rps']:,} "
            f"| {c['rps'] / s['rps']:.0%} |"
        )
    return "\n".join(lines)


def documents_table(result):
    lines = ["| document | format | seconds | bytes |", "|---|---|---|---|"]
    for doc in result["documents"]:
        lines.append(f"| {doc['name']} | {doc['format']} | {doc['seconds']} | {doc['bytes']:,} |")
    return "\n".join(lines)


def load_section(load):
    lines = [
        "## Load without loss (`make load`)",
        "",
        f"Run {load['when']}: {load['settings']['delegations']} delegations registering "
        f"(every tenth submitted twice at the same moment, every tenth with more people "
        f"than seats) and {load['settings']['desks']} desk users checking "
        f"{load['check_ins']['people']} people in, each from two desks at once; "
        f"{load['settings']['threads']} client threads, gunicorn with "
        f"{load['settings']['workers']} workers, PostgreSQL. Wall time "
        f"{load['wall_seconds']} s.",
        "",
        "| requests | count | per second | p50 ms | p95 ms | statuses |",
        "|---|---|---|---|---|---|",
    ]
    for kind, row in load["requests"].items():
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(row["statuses"].items()))
        lines.append(
            f"| {kind} | {row['requests']} | {row['per_second']} | {row['p50_ms']} "
            f"| {row['p95_ms']} | {statuses} |"
        )
    lines += ["", "Outcomes of the registrations:", ""]
    for outcome, count in sorted(load["registration_outcomes"].items()):
        lines.append(f"- {outcome}: {count}")
    lines += [
        "",
        f"Checked afterwards in the database: {load['delegations_registered']} delegations "
        f"registered, every one within its seats and with one head; "
        f"{load['check_ins']['posts']} check-in requests left exactly "
        f"{load['check_ins']['rows']} attendance rows for {load['check_ins']['people']} people. "
        f"Problems found: {', '.join(load['problems']) or 'none'}.",
    ]
    return "\n".join(lines)


def main():
    bench_path, load_path = RESULTS / "latest.json", RESULTS / "load.json"
    if not bench_path.exists():
        raise SystemExit("No benchmark results yet: run make bench first.")
    bench = json.loads(bench_path.read_text())
    load = json.loads(load_path.read_text()) if load_path.exists() else None
    settings = bench["settings"]
    out = [
        "# Benchmarks",
        "",
        "Written by `bench/report.py` from `make bench` (bench/run.py) and `make load` "
        "(bench/load.py); re-run them to refresh these figures.",
        "",
        "## The machine",
        "",
        f"- {bench['machine']['cpus']} CPUs ({cpu_model()}), {memory()} of memory, "
        f"{bench['machine']['platform']}; Python {bench['machine']['python']}; "
        f"{postgres_version()}.",
        "- The load generator (wrk) and the server share the machine's two cores, so every "
        "figure is lower than it would be with the client elsewhere.",
        "",
        "## Public pages and feeds (`make bench`)",
        "",
        f"Run {bench['when']} against a generated meeting of {settings['organizations']} "
        f"organizations, {settings['participants']:,} participants and {settings['days']} days "
        f"(plus the 1996 meeting), made current. gunicorn with {settings['workers']} sync "
        f"workers, DEBUG off, on 127.0.0.1; wrk with {settings['connections']} connections for "
        f"{settings['duration']} s per row. *Uncached* runs with the page cache off "
        "(`PAGE_CACHE=false`): every request renders the page. *Cached* is the page cache "
        "on, as shipped. *Static file* is the same bytes served by WhiteNoise from the same "
        "server: the ceiling. Queries are counted per request in-process.",
        "",
    ]
    for result in bench["results"]:
        out += [
            f"### {result['database']}",
            "",
            f"Generating the meeting took {result['generate_seconds']} s.",
            "",
            pages_table(result),
            "",
            "Printable documents of the generated meeting, produced in-process "
            "(the PDF is what the desk's background job lays out):",
            "",
            documents_table(result),
            "",
        ]
    if load:
        out += [load_section(load), ""]
    (ROOT / "docs").mkdir(exist_ok=True)
    target = ROOT / "docs" / "benchmarks.md"
    target.write_text("\n".join(out))
    print(f"wrote {target} ({target.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
