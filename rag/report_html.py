"""A self-contained HTML page for an eval report: summary, plots, and every case with answer, citations and failures.

>>> page = render_html({"summary": {"cases": 0}, "cases": []})
>>> page.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from rag.evaluate import SUMMARY_ROWS, format_delta, format_metric

logger = logging.getLogger(__name__)

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;
  color:#1b1f24}
h1{margin-bottom:.2rem} .meta{color:#57606a;margin-top:0}
table{border-collapse:collapse;margin:.5rem 0 1rem} td,th{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left}
th{background:#f6f8fa} td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#1a7f37;font-weight:600} .fail{color:#cf222e;font-weight:600}
details.case{border:1px solid #d0d7de;border-radius:6px;margin:.5rem 0;padding:.4rem .8rem}
details.case.failed{border-left:5px solid #cf222e} details.case.passed{border-left:5px solid #1a7f37}
summary{cursor:pointer} .turn{margin:.6rem 0 .6rem 1rem} .q{font-weight:600}
.answer{white-space:pre-wrap;background:#f6f8fa;padding:.4rem .6rem;border-radius:4px}
.passage{white-space:pre-wrap;font-size:.9em;color:#424a53;border-left:3px solid #d0d7de;padding-left:.6rem;
  margin:.3rem 0}
mark{background:#fff3b0;color:inherit} ul.checks{margin:.3rem 0} .why{color:#cf222e}
img.plot{max-width:100%}
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _highlight(citation: Mapping[str, Any]) -> str:
    """The passage with its quoted sentence(s) wrapped in <mark>, everything escaped."""
    text, quote = str(citation.get("text") or ""), str(citation.get("quote") or "")
    lo = hi = -1
    start, qs, qe = citation.get("start"), citation.get("quote_start"), citation.get("quote_end")
    if quote and all(isinstance(v, int) for v in (start, qs, qe)):
        a, b = qs - start, qe - start  # type: ignore[operator]
        if 0 <= a < b <= len(text) and text[a:b].strip() == quote.strip():
            lo, hi = a, b
    if lo < 0 and quote and (i := text.find(quote)) >= 0:
        lo, hi = i, i + len(quote)
    if lo < 0:
        body = _e(text)
        return body + (f"<br><em>quote:</em> <mark>{_e(quote)}</mark>" if quote else "")
    return f"{_e(text[:lo])}<mark>{_e(text[lo:hi])}</mark>{_e(text[hi:])}"


def _plot(report: Mapping[str, Any]) -> str:
    """Per-category pass rates and the latency distribution as an embedded PNG (empty when unavailable)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        logger.info("matplotlib not installed: the HTML report has no plot")
        return ""
    cats = (report.get("summary") or {}).get("categories") or {}
    latencies = [float(t.get("latency_ms") or 0) for c in report.get("cases", []) for t in c.get("turns", [])]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.4))
    try:
        names = list(cats)
        rates = [100 * (cats[n].get("pass_rate") or 0) for n in names]
        ax1.barh(names, rates, color=["#1a7f37" if r >= 90 else "#bf8700" if r >= 70 else "#cf222e" for r in rates])
        ax1.set_xlim(0, 100)
        ax1.set_xlabel("pass rate (%)")
        ax1.set_title("Pass rate per category")
        for y, (n, r) in enumerate(zip(names, rates, strict=True)):
            ax1.text(min(r + 1, 80), y, f"{cats[n].get('passed', 0)}/{cats[n].get('cases', 0)}", va="center")
        ax2.hist(latencies or [0], bins=min(20, max(5, len(latencies) // 3)), color="#0969da")
        ax2.set_xlabel("latency per turn (ms)")
        ax2.set_ylabel("turns")
        ax2.yaxis.get_major_locator().set_params(integer=True)
        ax2.set_title("Latency distribution")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90)
    finally:
        plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f'<img class="plot" alt="pass rate per category and latency distribution" src="data:image/png;base64,{data}">'
    )


def _summary(summary: Mapping[str, Any]) -> str:
    rows = [f"<tr><th>Cases passed</th><td class=num>{_e(summary.get('passed'))}/{_e(summary.get('cases'))}</td></tr>"]
    rows += [
        f"<tr><th>{_e(label)}</th><td class=num>{_e(format_metric(summary.get(key), unit))}</td></tr>"
        for key, label, unit in SUMMARY_ROWS
    ]
    if summary.get("errors"):
        rows.append(f"<tr><th>Turns that raised an error</th><td class=num>{_e(summary['errors'])}</td></tr>")
    cats = summary.get("categories") or {}
    cat_rows = "".join(
        f"<tr><td>{_e(n)}</td><td class=num>{_e(c.get('passed'))}/{_e(c.get('cases'))}</td>"
        f"<td class=num>{_e(format_metric(c.get('pass_rate'), 'pct'))}</td></tr>"
        for n, c in cats.items()
    )
    return (
        f"<h2>Summary</h2><table>{''.join(rows)}</table>"
        "<h3>Per category</h3><table><tr><th>category</th><th>passed</th><th>pass rate</th></tr>"
        f"{cat_rows}</table>"
    )


def _id_list(title: str, ids: Sequence[Any], cls: str = "") -> str:
    if not ids:
        return ""
    items = "".join(f'<li><a href="#case-{_e(i)}">{_e(i)}</a></li>' for i in ids)
    return f'<h3 class="{cls}">{_e(title)} ({len(ids)})</h3><ul>{items}</ul>'


def _baseline(diff: Mapping[str, Any] | None) -> str:
    if not diff:
        return ""
    units = {key: unit for key, _, unit in SUMMARY_ROWS}
    labels = {key: label for key, label, _ in SUMMARY_ROWS}
    metric_rows = "".join(
        f"<tr><td>{_e(labels[k])}</td><td class=num>{_e(format_metric(m['before'], units[k]))}</td>"
        f"<td class=num>{_e(format_metric(m['after'], units[k]))}</td>"
        f"<td class=num>{_e(format_delta(m['delta'], units[k]))}</td></tr>"
        for k, m in (diff.get("metrics") or {}).items()
        if k in units
    )
    drift = "".join(
        f'<li><a href="#case-{_e(d["id"])}">{_e(d["id"])}</a>: {_e(", ".join(d["changed"]))} changed</li>'
        for d in diff.get("drift") or []
    )
    return (
        "<h2>Compared with the baseline</h2>"
        + _id_list("Regressions (pass → fail)", diff.get("regressions") or [], "fail")
        + _id_list("Fixed (fail → pass)", diff.get("fixed") or [], "pass")
        + (f"<h3>Drift (still passing, output changed)</h3><ul>{drift}</ul>" if drift else "")
        + _id_list("New cases", diff.get("added") or [])
        + _id_list("Removed cases", diff.get("removed") or [])
        + (
            f"<table><tr><th>metric</th><th>before</th><th>after</th><th>change</th></tr>{metric_rows}</table>"
            if metric_rows
            else ""
        )
    )


def _turn(turn: Mapping[str, Any], k: int, many: bool) -> str:
    checks = "".join(
        f'<li><span class="{"pass" if c.get("passed") else "fail"}">{_e(name)}</span>: {_e(c.get("detail"))}</li>'
        for name, c in (turn.get("checks") or {}).items()
    )
    status = "answered"
    if turn.get("abstained"):
        status = "abstained" + (f" ({_e(turn['abstain_reason'])})" if turn.get("abstain_reason") else "")
    cits = "".join(
        f"<li>[{_e(c.get('n'))}] <code>{_e(c.get('source'))}</code> {_e(c.get('start'))}–{_e(c.get('end'))}"
        f"{'' if c.get('supported', True) else ' <span class=fail>unsupported</span>'}"
        f'<div class="passage">{_highlight(c)}</div></li>'
        for c in turn.get("citations") or []
    )
    error = f'<p class="why">error: {_e(turn["error"])}</p>' if turn.get("error") else ""
    return (
        f'<div class="turn">{f"<h4>Turn {k + 1}</h4>" if many else ""}'
        f'<p class="q">Q: {_e(turn.get("question"))}</p>'
        f'<div class="answer">{_e(turn.get("answer"))}</div>'
        f"<p>{status} · {_e(turn.get('generator'))} · {_e(format_metric(turn.get('latency_ms'), 'ms'))}</p>{error}"
        f'<ul class="checks">{checks}</ul>'
        + (f"<p>Citations:</p><ol>{cits}</ol>" if cits else "<p>No citations.</p>")
        + "</div>"
    )


def _case(case: Mapping[str, Any]) -> str:
    passed = bool(case.get("passed"))
    turns = case.get("turns") or []
    why = "".join(f"<li>{_e(f)}</li>" for f in case.get("failures") or [])
    return (
        f'<details class="case {"passed" if passed else "failed"}" id="case-{_e(case.get("id"))}"'
        f'{"" if passed else " open"}><summary><span class="{"pass" if passed else "fail"}">'
        f"{'PASS' if passed else 'FAIL'}</span> <b>{_e(case.get('id'))}</b> · {_e(case.get('category'))}</summary>"
        + (f'<ul class="why">{why}</ul>' if why else "")
        + "".join(_turn(t, k, len(turns) > 1) for k, t in enumerate(turns))
        + "</details>"
    )


def render_html(report: Mapping[str, Any]) -> str:
    """The report dict (EvalResult.to_dict()) as one HTML page with inline CSS and an embedded plot."""
    summary = report.get("summary") or {}
    meta = report.get("meta") or {}
    cases = report.get("cases") or []
    failed = [c for c in cases if not c.get("passed")]
    meta_line = " · ".join(f"{_e(k)}: {_e(meta[k])}" for k in ("questions", "generator", "started_at") if meta.get(k))
    plot = _plot(report)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Eval report: {_e(format_metric(summary.get('pass_rate'), 'pct'))} passed</title>"
        f"<style>{_CSS}</style></head><body>"
        f'<h1>Eval report</h1><p class="meta">{meta_line}</p>'
        + _summary(summary)
        + _baseline(report.get("baseline"))
        + (f"<h2>Plots</h2>{plot}" if plot else "")
        + f"<h2>Failed cases ({len(failed)})</h2>"
        + ("".join(_case(c) for c in failed) or "<p>None.</p>")
        + f"<h2>Passed cases ({len(cases) - len(failed)})</h2>"
        + "".join(_case(c) for c in cases if c.get("passed"))
        + "</body></html>\n"
    )


def write_html(report: Mapping[str, Any], path: str | Path) -> None:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render_html(report), encoding="utf-8")
