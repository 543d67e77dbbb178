"""The one table bench/run.py prints: medians over rounds, per-round values, ratios to the floor
taken within each round, scale ratios, worker memory, errors, 304s and server-log findings."""

from __future__ import annotations

import statistics
from collections import defaultdict

RSS_LIMIT_MIB = 60
RSS_FLAT_MIB = 5  # end-of-round worker RSS may differ by at most this much between rounds
RSS_GROWTH_MIB = 10  # and grow by at most this much within a round
SCALE_LIMIT = 1.2
ERROR_FIELDS = ("err_connect", "err_read", "err_write", "err_timeout", "non_2xx_3xx")


def _med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _f(value, fmt="{:.0f}", missing="–"):
    return missing if value is None else fmt.format(value)


def _rounds(values, fmt="{:.0f}"):
    return " / ".join(_f(v, fmt) for v in values) or "–"


class Results:
    def __init__(self, records: list[dict]) -> None:
        self.runs = defaultdict(dict)  # (scenario, conns) -> round -> record
        self.unavailable = defaultdict(dict)  # scenario -> round -> why
        self.failed = []
        self.checks = [r for r in records if r.get("check") == "304"]
        self.rss = [r for r in records if "rss" in r]
        for r in records:
            if "unavailable" in r:
                self.unavailable[r["scenario"]][r["round"]] = r["unavailable"]
            elif "failed" in r:
                self.failed.append(r)
            elif "rps" in r:
                self.runs[(r["scenario"], r["conns"])][r["round"]] = r
        self.rounds = sorted({r["round"] for r in records if "round" in r})

    def series(self, scenario: str, conns: int, field: str) -> list:
        got = self.runs.get((scenario, conns), {})
        return [got[n][field] if n in got else None for n in self.rounds]

    def ratios(self, scenario: str, conns: int) -> list:
        mine, floor = self.series(scenario, conns, "rps"), self.series("floor", conns, "rps")
        return [m / f if m is not None and f else None for m, f in zip(mine, floor)]

    def errors(self, scenario: str) -> int:
        return sum(rec.get(f, 0) for key, by_round in self.runs.items() if key[0] == scenario
                   for rec in by_round.values() for f in ERROR_FIELDS)


def _latency(res: Results, scenario: str, conns: int) -> str:
    p50 = _med(res.series(scenario, conns, "lat_p50_us"))
    p99 = _med(res.series(scenario, conns, "lat_p99_us"))
    return f"{_f(p50 and p50 / 1000, '{:.2f}')} / {_f(p99 and p99 / 1000, '{:.2f}')}"


def scenario_table(res: Results, keys: list[str], scenarios: dict, conns: int) -> list[str]:
    lines = [f"| scenario | rps c{conns} median | rps per round | p50 / p99 c{conns} ms | p50 / p99 c1 ms | "
             "ratio to floor (median) | ratio per round | target | pass | errors |",
             "|---|---:|---|---:|---:|---:|---|---:|---|---:|"]
    for key in keys:
        if key not in scenarios:
            continue
        target = scenarios[key].target
        if not res.runs.get((key, conns)):
            why = "; ".join(sorted(set(res.unavailable.get(key, {}).values()))) or "no result"
            lines.append(f"| {key} | unavailable | {why[:120]} | | | | | {_f(target, '≥ {:.2f}')} | – | |")
            continue
        rps = res.series(key, conns, "rps")
        ratios = res.ratios(key, conns)
        ratio = _med(ratios)
        verdict = "–" if target is None else ("pass" if ratio is not None and ratio >= target else "**FAIL**")
        missing = sorted(res.unavailable.get(key, {}))
        note = f" (unavailable in round {', '.join(map(str, missing))})" if missing else ""
        lines.append(f"| {key}{note} | {_f(_med(rps))} | {_rounds(rps)} | {_latency(res, key, conns)} | "
                     f"{_latency(res, key, 1)} | {_f(ratio, '{:.3f}')} | {_rounds(ratios, '{:.3f}')} | "
                     f"{_f(target, '≥ {:.2f}')} | {verdict} | {res.errors(key)} |")
    return lines


def scale_table(res: Results, conns: int) -> list[str]:
    lines = ["| scenario | rps small | rps 1M | cost 1M / small (median) | per round | c1 p50 ms small → 1M | "
             "target | pass |", "|---|---:|---:|---:|---|---:|---:|---|"]
    for key in ("count1", "count50", "thread", "embed"):
        small, large = res.series(key, conns, "rps"), res.series("L:" + key, conns, "rps")
        if not any(large):
            continue
        cost = [(s / l if l else float("inf")) if s and l is not None else None for s, l in zip(small, large)]
        ratio = _med(cost)
        p50s, p50l = _med(res.series(key, 1, "lat_p50_us")), _med(res.series("L:" + key, 1, "lat_p50_us"))
        verdict = "pass" if ratio is not None and ratio <= SCALE_LIMIT else "**FAIL**"
        lines.append(f"| {key} | {_f(_med(small))} | {_f(_med(large))} | {_f(ratio, '{:.2f}')} | "
                     f"{_rounds(cost, '{:.2f}')} | {_f(p50s and p50s / 1000, '{:.2f}')} → "
                     f"{_f(p50l and p50l / 1000, '{:.2f}')} | ≤ {SCALE_LIMIT} | {verdict} |")
    return lines


def rss_table(res: Results) -> tuple[list[str], list[str]]:
    lines = ["| server | round | workers at start (MiB) | workers after the round (MiB) "
             "| of which mapped files, after (MiB) | master (MiB) |",
             "|---|---:|---|---|---|---:|"]
    by_server = defaultdict(dict)
    for rec in res.rss:
        by_server[rec["rss"]].setdefault(rec["round"], {})[rec["phase"]] = rec
    verdicts, stacks = [], {}
    for server, rounds in by_server.items():
        ends, growth = [], []
        for n in sorted(rounds):
            start, end = rounds[n].get("start", {}), rounds[n].get("end", {})
            ws = [k / 1024 for k in start.get("workers_kib", [])]
            we = [k / 1024 for k in end.get("workers_kib", [])]
            ends.append(max(we, default=0))
            growth.extend(e - s for s, e in zip(ws, we))
            files = [k / 1024 for k in end.get("workers_file_kib", [])]
            lines.append(f"| {server} | {n} | {', '.join(f'{v:.1f}' for v in ws)} | "
                         f"{', '.join(f'{v:.1f}' for v in we)} | {', '.join(f'{v:.1f}' for v in files) or '–'} | "
                         f"{end.get('master_kib', 0) / 1024:.1f} |")
        if server.startswith("stack-"):
            stacks[server] = max(ends, default=0)
        if server == "floor" or server.startswith("stack-") or not ends:
            continue
        ok_limit = max(ends) <= RSS_LIMIT_MIB
        ok_flat = max(ends) - min(ends) <= RSS_FLAT_MIB and max(growth, default=0) <= RSS_GROWTH_MIB
        verdicts.append(f"- {server}: max worker RSS {max(ends):.1f} MiB (target ≤ {RSS_LIMIT_MIB}): "
                        f"{'pass' if ok_limit else '**FAIL**'}; growth within a round up to "
                        f"{max(growth, default=0):.1f} MiB, spread across rounds {max(ends) - min(ends):.1f} MiB "
                        f"(flat: ≤ {RSS_GROWTH_MIB} and ≤ {RSS_FLAT_MIB}): {'pass' if ok_flat else '**FAIL**'}")
    if stacks:
        card, every = stacks.get("stack-card", 0), stacks.get("stack-service", 0)
        verdicts.append(f"- what the libraries alone take (the floor's endpoint plus one query through a "
                        f"Flask-SQLAlchemy session, no code of the service): {card:.1f} MiB with the design "
                        f"card's (Flask, Flask-SQLAlchemy, marshmallow, bleach), {every:.1f} MiB with every "
                        f"library the service imports, "
                        + (f"which leaves {RSS_LIMIT_MIB - every:.1f} MiB of the {RSS_LIMIT_MIB} MiB target for "
                           f"the service's own code, templates and caches" if every < RSS_LIMIT_MIB else
                           f"{every - RSS_LIMIT_MIB:.1f} MiB over the {RSS_LIMIT_MIB} MiB target before any code "
                           f"of the service"))
    return lines, verdicts


def _load_line(records: list[dict], cpus: int) -> str:
    loads = [r["loadavg"] for r in records if "loadavg" in r]
    if not loads:
        return ""
    return (f"1-minute load average at the end of each run: median {_med(loads):.1f}, max {max(loads):.1f} "
            f"on {cpus} CPUs (anything else running on the machine shows up here).")


def render(records: list[dict], meta: dict, scenarios: dict, chosen: list[str]) -> str:
    res = Results(records)
    scenarios = {k: v for k, v in scenarios.items() if k in chosen}
    opts, m = meta["options"], meta["machine"]
    conns = opts["conns"]
    dbs = meta["databases"]
    out = [f"## Benchmark {meta['stamp']} (commit {m['commit']})", "",
           f"{m['nproc']} CPUs ({m['cpu']}), {m['mem_gib']} GiB; Python {m['python']}, {m['gunicorn']}, {m['wrk']}.",
           f"gunicorn -w {opts['workers']} -k sync on 127.0.0.1 for the floor and the service, config file: "
           f"{'the repository gunicorn.conf.py' if opts.get('gunicorn_conf') == 'repo' else 'none (flags only)'}; "
           f"wrk -t{opts['threads']} -c{conns} -d{opts['duration']}s --latency after a {opts['warmup']} s warm-up, "
           f"then -t1 -c1 -d{opts['c1_duration']}s; {len(res.rounds)} interleaved rounds; "
           f"elapsed {meta.get('elapsed_s', 0) / 60:.1f} min.",
           "Databases: " + "; ".join(f"{k}: {v.get('comments')} comments over {v.get('articles')} articles, "
                                     f"{v.get('pending')} pending" for k, v in dbs.items() if isinstance(v, dict)),
           _load_line(records, m["nproc"]), "", "### Scenarios (small database)", ""]
    keys = [k for k in scenarios if not k.startswith("L:")]
    out += scenario_table(res, keys, scenarios, conns)
    scale = scale_table(res, conns)
    if len(scale) > 2:
        out += ["", f"### Scale: 1M comments over 100k articles against the small database "
                    f"(cost = rps small / rps 1M, same round; rotation over {opts['large_rotate']} articles)", ""]
        out += scale
        out += ["", "Large-database rows, for reference:", ""]
        out += scenario_table(res, [k for k in scenarios if k.startswith("L:")], scenarios, conns)
    lines, verdicts = rss_table(res)
    out += ["", "### Worker memory (RSS)", ""] + lines + [""] + verdicts
    total = sum(res.errors(k) for k in scenarios)
    out += ["", "### Errors", "",
            f"- failed requests (connect/read/write/timeout errors and statuses ≥ 400) over every run: {total} "
            f"(target: none): {'pass' if total == 0 else '**FAIL**'}"]
    out += [f"- {key}: {res.errors(key)}" for key in scenarios if res.errors(key)]
    out += [f"- round {r['round']} {r['scenario']} c{r['conns']}: {r['failed']}" for r in res.failed]
    out += ["", "### 304 on a matching If-None-Match", ""]
    out += [f"- {c['scenario']}: {'yes' if c['ok'] else '**no**'} ({c['detail']})" for c in res.checks] or ["- not run"]
    out += ["", "### Server logs (database is locked / Traceback / [ERROR] / WORKER TIMEOUT)", ""]
    findings = [f"- {log['log']}: locked {log['locked']}, tracebacks {log['traceback']}, errors {log['error']}, "
                f"critical {log['critical']}, timeouts {log['timeout']}; e.g. {' | '.join(log['samples'][:2])}"
                for log in meta.get("logs", [])
                if any(log[k] for k in ("locked", "traceback", "error", "critical", "timeout"))]
    out += findings or [f"- none in {len(meta.get('logs', []))} server logs"]
    unavailable = {k: v for k, v in res.unavailable.items()}
    if unavailable:
        out += ["", "### Unavailable", ""]
        out += [f"- {k}: rounds {sorted(v)}: {sorted(set(v.values()))[0][:200]}" for k, v in unavailable.items()]
    return "\n".join(out) + "\n"
