"""Write docs/benchmarks.md from the latest results of make bench and make load, beside
the figures of main before issue 15 (bench/baseline.json)."""

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


GOALS = {  # issue 15: uncached median in-process render, ms
    "programme": 50,
    "agenda.ics": 50,
    "agenda.json": 30,
}
DESK_GOAL_P95 = 20
DOCUMENT_GOAL_S = 3


def _before(baseline, database):
    """[(run's load average, {page: row}, desk)] of the baseline runs for ``database``."""
    runs = []
    for run in (baseline or {}).get("runs", []):
        for result in run["results"]:
            if result["database"] == database:
                pages = {page["name"]: page for page in result["pages"]}
                runs.append((run["machine"].get("load_average"), pages, result.get("desk")))
    return runs


def inprocess_table(result, before):
    heads = "".join(f" before {n + 1} ms |" for n in range(len(before)))
    lines = [
        f"| page | queries before → after |{heads} after ms | after CPU ms | goal ms "
        "| cached after ms | bytes |",
        "|---|---|" + "---|" * len(before) + "---|---|---|---|---|",
    ]
    for page in result["pages"]:
        name = page["name"]
        old = [pages.get(name, {}) for _load, pages, _desk in before]
        queries_before = old[0].get("queries_uncached", "–") if old else "–"
        cells = "".join(f" {row.get('render_ms', '–')} |" for row in old)
        lines.append(
            f"| {name} | {queries_before} → {page['queries_uncached']} |{cells} "
            f"**{page['render_ms']}** | {page.get('render_cpu_ms', '–')} "
            f"| {GOALS.get(name, '')} | {page['cached_ms']} "
            f"| {page['bytes']:,} |"
        )
    return "\n".join(lines)


def cpu_section(baseline, after_cpu):
    """Before and after in CPU time, one run each on SQLite, when both were measured."""
    before = next(
        (
            result
            for run in (baseline or {}).get("runs", [])
            for result in run["results"]
            if result["database"] == "sqlite" and "render_cpu_ms" in result["pages"][0]
        ),
        None,
    )
    after = next((r for r in after_cpu["results"] if r["database"] == "sqlite"), None)
    if before is None or after is None:
        return []
    old = {page["name"]: page for page in before["pages"]}
    lines = [
        "### CPU time, before and after (SQLite)",
        "",
        "The same medians in CPU time (`time.process_time`) rather than wall time: other "
        "work on the machine slows them less, so these compare before and after best. "
        "Before: the baseline's CPU-timed run, at a load near 30; after: "
        f"{after_cpu['when']}, load average {after_cpu['machine'].get('load_average')}. "
        "The load still weighs on CPU time (caches shared with other work): the pages "
        "this work left alone (participants, background) show how much, and the ratios "
        "should be read against theirs.",
        "",
        "| page | before CPU ms | after CPU ms | goal ms | × |",
        "|---|---|---|---|---|",
    ]
    for page in after["pages"]:
        was = old.get(page["name"], {}).get("render_cpu_ms")
        ratio = f"{was / page['render_cpu_ms']:.1f}" if was and page["render_cpu_ms"] else ""
        lines.append(
            f"| {page['name']} | {was} | **{page['render_cpu_ms']}** "
            f"| {GOALS.get(page['name'], '')} | {ratio} |"
        )
    desk_before, desk_after = before["desk"], after["desk"]
    lines += [
        f"| desk search p50 | {desk_before.get('cpu_p50_ms')} | **{desk_after['cpu_p50_ms']}** "
        "| | |",
        f"| desk search p95 | {desk_before.get('cpu_p95_ms')} | **{desk_after['cpu_p95_ms']}** "
        f"| {DESK_GOAL_P95} | |",
        "",
    ]
    return lines


def desk_table(result, before):
    lines = [
        "| run | p50 ms | p95 ms | queries |",
        "|---|---|---|---|",
    ]
    for n, (load, _pages, desk) in enumerate(before, start=1):
        if desk:
            lines.append(
                f"| before {n} (load {load[0] if load else '?'}) | {desk['p50_ms']} "
                f"| {desk['p95_ms']} | {desk['queries']} |"
            )
    desk = result["desk"]
    lines.append(
        f"| **after** | **{desk['p50_ms']}** | **{desk['p95_ms']}** (goal {DESK_GOAL_P95}) "
        f"| {desk['queries']} |"
    )
    return "\n".join(lines)


def desk_actions_lines(result):
    """The desk's other requests (no goal of their own): the counts poll, a check-in
    and its undo."""
    actions = result.get("desk_actions")
    if not actions:
        return []
    lines = [
        "What else a desk asks, by the same desk member: the counts its page polls, a "
        "check-in and its undo (as JSON, as the page asks), each of someone not checked in "
        "yet:",
        "",
        "| request | p50 ms | p95 ms | samples |",
        "|---|---|---|---|",
    ]
    for label, figures in actions.items():
        lines.append(
            f"| {label} | {figures['p50_ms']} | {figures['p95_ms']} | {figures['samples']} |"
        )
    return [*lines, ""]


def documents_table(result):
    if not result["documents"]:
        return 'Not run this time (`BENCH_ARGS="--documents none"`).'
    lines = ["| document | format | seconds | goal s | bytes |", "|---|---|---|---|---|"]
    for doc in result["documents"]:
        lines.append(
            f"| {doc['name']} | {doc['format']} | **{doc['seconds']}** | {DOCUMENT_GOAL_S} "
            f"| {doc['bytes']:,} |"
        )
    return "\n".join(lines)


def goals_table(results):
    """Each goal of issue 15 beside this run's figure on each database, and whether it is met."""
    databases = [result["database"] for result in results]
    lines = [
        "| goal | " + " | ".join(databases) + " |",
        "|---|" + "---|" * len(databases),
    ]

    def row(label, goal, figures):
        cells = [
            "–" if value is None else f"{value} {'✓' if value <= goal else '✗'}"
            for value in figures
        ]
        lines.append(f"| {label} ≤ {goal} | " + " | ".join(cells) + " |")

    for name, goal in GOALS.items():
        row(
            f"{name}, uncached median ms",
            goal,
            [
                next((p["render_ms"] for p in result["pages"] if p["name"] == name), None)
                for result in results
            ],
        )
    row("desk search p95 ms", DESK_GOAL_P95, [result["desk"]["p95_ms"] for result in results])
    names = [doc["name"] for doc in results[0]["documents"]]
    for name in names:
        row(
            f"{name} at 5,000 participants, s",
            DOCUMENT_GOAL_S,
            [
                next((d["seconds"] for d in result["documents"] if d["name"] == name), None)
                for result in results
            ],
        )
    return "\n".join(lines)


def burst_table(results):
    lines = [
        "| database | setup | renders per burst | p50 ms | p95 ms | max ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for burst in result.get("burst") or []:
            renders = ", ".join(str(n) for n in burst["renders_per_burst"])
            lines.append(
                f"| {result['database']} | {burst['setup']} | {renders} | {burst['p50_ms']} "
                f"| {burst['p95_ms']} | {burst['max_ms']} | {burst['errors']} |"
            )
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
    baseline_path = ROOT / "bench" / "baseline.json"
    baseline = json.loads(baseline_path.read_text()) if baseline_path.exists() else None
    settings = bench["settings"]
    machine = bench["machine"]
    out = [
        "# Benchmarks",
        "",
        "Written by `bench/report.py` from `make bench` (bench/run.py) and `make load` "
        "(bench/load.py); re-run them to refresh these figures. *Before* is main before "
        "issue 15 (`bench/baseline.json`), measured with the same bench at the same shape.",
        "",
        "## The machine",
        "",
        f"- {machine['cpus']} CPUs ({cpu_model()}), {memory()} of memory, "
        f"{machine['platform']}; Python {machine['python']}; {postgres_version()}.",
        f"- Load average when this run ended: {machine.get('load_average', '?')} (other "
        "work shares the machine's cores: with a load above the number of cores every "
        "figure here is slower than on an idle machine, the before and after runs alike).",
        "",
        f"## The meeting (`generate_meeting --rooms {settings.get('rooms')} "
        f"--sessions {settings.get('sessions')}`)",
        "",
        f"Run {bench['when']} against a generated meeting of the peer's shape: "
        f"{settings['organizations']} organizations, {settings['participants']:,} "
        f"participants, {settings['days']} days, {settings.get('rooms')} rooms and "
        f"{settings.get('sessions')} sessions (back to back in each room, around a lunch "
        "break), plus the 1996 meeting, made current.",
        "",
        "## The goals of issue 15, this run",
        "",
        "Uncached pages: median in-process wall time (DEBUG off, the page cache off); desk "
        "search: p95 over its first page and ten searches; documents: wall seconds for the "
        "PDF, rows read and laid out, in one process as the desk's background job makes it. "
        "Wall time counts what other processes on the machine take of its two cores; the "
        "CPU times below count this process alone.",
        "",
        goals_table(bench["results"]),
        "",
        "The attendance record is the generated meeting's: its 500 sessions' totals and "
        "a line for each of its 5,000 participants, counted from about 88,000 check-ins "
        "(176 people at each session). The machine's speed swings between "
        "runs by about a third even when nothing else runs (the pages this work left alone, "
        "participants and background, show it): compare before and after within one table.",
        "",
        "## What issue 15 changed, and how it is measured",
        "",
        "- Programme, day, feeds and JSON read the sessions once, as rows "
        "(`agenda/programme.py`, `programme_sessions`): `values()` on the columns they "
        "show, not model instances. With six-language content (django-modeltranslation) a "
        "session, its room and its chair carry six columns per translated text, and each "
        "read of a translated field resolves the active language and its fallbacks: "
        "building the instances and reading their texts was most of the time. Each text is "
        "now picked from its columns once, in the reader's language order; each time, "
        "label, URL, room, chair and agenda item's line is computed once, memoised across "
        "the rows that share them. No `blocktranslate`, `reverse` or time formatting per "
        "row, no prefetch queryset per session; the queries are constant whatever the size. "
        "The times come as the database writes them (text) and each distinct one is "
        "converted once, to the meeting's zone, ISO 8601 and the clock: the ORM's "
        "conversion of a thousand took a fifth of reading the rows.",
        "- The programme's session tables (500 rows at this size) are rendered by Jinja2 "
        "(`templates/jinja2/includes/session_table.html`, through the `session_table` tag): "
        "Django's template engine spent half the programme's time in that loop. The pages "
        "around them stay Django templates.",
        "- The iCalendar feeds are written line by line (`agenda/ical.py`: RFC 5545 "
        "escaping and folding at 75 octets, never inside a UTF-8 character; the tests read "
        "them back with the icalendar library); the VTIMEZONE is still icalendar's, built "
        "once per zone. DTSTAMP is the data version's time, so two renders of unchanged "
        "data are the same bytes.",
        "- The JSON is written by the json module's C encoder, one session a line "
        "(`indent` made it fall back to the Python encoder).",
        "- The desk: the session picker's sessions, labelled in the reader's language, the "
        "count of expected participants and the ids of the first page (the 51 shown before "
        "any search) are cached under the meeting's data version (any change to a session, "
        "delegation, participant or the meeting gives a new key); the rows read only the "
        "columns they show and make each text once; the search is a union of three lookups "
        "that each use an index: names (a pg_trgm GIN index on the folded names on "
        "PostgreSQL, delegations migration 0005), organizations and badge numbers (an "
        "upper-case index, migration 0006). The same people are found on both databases "
        "(tests/agenda/test_desk_search.py). Each row's check-in is two subqueries that "
        "PostgreSQL evaluates after the sort, for the 51 rows only (joined, they doubled "
        "the planning), and the count of who is present comes with the rows. The search, "
        "that count and each user's permissions (one query, not Django's two) are compiled "
        "once per database connection with stand-ins (`meetingsite/compiled.py`): the ORM "
        "took longer to build them than the database took to run them. The bench searches "
        "as a member of the Registration desk group: a superuser's permissions cost no "
        "query. A check-in and the counts poll read only the session asked for.",
        "- The long documents read their people as `values()` rows through one reader "
        "(`agenda.documents.People`: each translated text's columns in the reader's "
        "language order found once), and are typeset by Typst from JSON "
        "(`templates/typst/`); their tables give Typst arrays, not a function it would run "
        "for each cell.",
        "- Their table rows are laid out once, not measured first: Python predicts each "
        "row's height (`agenda.rendering.line_breaks`: the words shaped by HarfBuzz, as "
        "Typst's rustybuzz shapes them, broken first-fit at spaces and hyphens), the "
        "template gives Typst those heights and leaves a row it cannot tell `auto`. The "
        "sign-in sheet and the list of participants of this meeting print pixel for pixel "
        "as before; 156 of the sign-in sheet's 5,000 rows stay `auto`. Typst spent about a "
        "third of a table's time measuring rows.",
        "- The attendance record of the meeting is a line a participant (the days they "
        "came, the number of sessions) after each session's totals; who checked in when is "
        "each session's own record, and the CSV keeps a line a check-in. A line a check-in "
        "made the generated meeting's record about 88,000 rows, 4,560 pages, 31 s.",
        "- Badges: zxing-cpp writes each QR code (about 0.1 ms; segno took 0.4 ms with its "
        "SVG), and Typst draws it from raw pixels read from one binary file, about twice "
        "as fast as from SVG. The sheets come in four runs, each after a page break, so "
        "that Typst lays the runs out in parallel on both cores (a page break after every "
        "sheet, 834 runs, once overflowed a worker thread's stack).",
        "",
        "## Public pages and feeds, in-process",
        "",
        f"Median of {settings.get('repeat')} renders through Django's test client, DEBUG "
        "off. *Uncached* is the page cache off (`PAGE_CACHE=false`): what the first visitor "
        "after any change waits for. *Cached* is the page cache on, as shipped. Queries are "
        "those of one uncached request, including the page cache's read of the data version "
        "(a cached page costs that one query).",
        "",
    ]
    for result in bench["results"]:
        before = _before(baseline, result["database"])
        loads = ", ".join(
            f"before {n} at load {load_avg[0] if load_avg else '?'}"
            for n, (load_avg, _pages, _desk) in enumerate(before, start=1)
        )
        out += [
            f"### {result['database']}",
            "",
            (
                f"Measured {result['when']}, load average {result['load_average']}. "
                if "when" in result
                else ""
            )
            + f"Generating the meeting took {result['generate_seconds']} s. "
            + (f"Baseline runs: {loads}." if loads else ""),
            "",
            inprocess_table(result, before),
            "",
            "Desk search: the desk's first page (a session chosen, nothing searched) and "
            "ten searches a desk types (part of a name, a whole name, a name without its "
            "accents, Cyrillic, Arabic, Chinese, an organization's word and acronym, a "
            "badge number, two words), the desk's page with its results, by a member of "
            f"the Registration desk group, {settings.get('repeat')} times each; queries "
            "of one search:",
            "",
            desk_table(result, before),
            "",
            "Rows shown per search (the desk shows at most 50): "
            + ", ".join(f"{k} {v}" for k, v in result["desk"].get("results", {}).items())
            + ".",
            "",
            *desk_actions_lines(result),
            "Printed documents at 5,000 participants, PDF laid out in-process as the "
            "desk's background job does:",
            "",
            documents_table(result),
            "",
        ]
        if result["pages"] and "uncached" in result["pages"][0]:
            out += [
                "Under load: gunicorn with "
                f"{settings['workers']} sync workers on 127.0.0.1, wrk with "
                f"{settings['connections']} connections for {settings['duration']} s per "
                "row; *static file* is the same bytes served by WhiteNoise, the ceiling.",
                "",
                pages_table(result),
                "",
            ]
    if any(result.get("burst") for result in bench["results"]):
        out += [
            "## A burst right after an invalidation (`bench/burst.py`)",
            "",
            "gunicorn with 4 sync workers, DEBUG off; five rounds of: bump the data version "
            "(a change to the programme), then 32 requests for `/agenda/` released at once. "
            "Renders are the answers whose `X-Cache` header says `miss`; the others waited "
            "for the one render (single-flight: a `cache.add` lock in the shared cache) or "
            "found the page cached. With each process's own memory the lock is per process, "
            "so each worker renders once; without single-flight the 4 sync workers bound "
            "the renders to 4.",
            "",
            burst_table(bench["results"]),
            "",
        ]
    cpu_path = RESULTS / "cpu.json"
    if cpu_path.exists():
        out += cpu_section(baseline, json.loads(cpu_path.read_text()))
    databases = [result["desk"].get("results") for result in bench["results"]]
    if len(databases) > 1:
        same = all(found == databases[0] for found in databases[1:])
        out += [
            "The desk's searches found "
            + ("the same people on every database." if same else "DIFFERENT results!"),
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
