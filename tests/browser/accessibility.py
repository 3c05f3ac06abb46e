"""Accessibility checks with axe-core: WCAG 2.2 A/AA, failing on serious and critical findings.

Findings inside Streamlit's own markup that no app code can change are listed in
`STREAMLIT_MARKUP`, and only those rules are skipped, only inside those elements.
"""

from __future__ import annotations

# axe-core rule tags for WCAG 2.2 level A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
# axe findings inside Streamlit's own widgets, which no app code can change (checked
# with streamlit 1.67): element -> the axe rules not run inside it.
STREAMLIT_MARKUP = {
    # Sectioned navigation puts its section headings (<div>) straight inside the <ul>.
    '[data-testid="stSidebarNavItems"]': ("list", "listitem"),
    # st.date_input's day/month/year segments are 18x20 px (WCAG 2.5.8 wants 24 px).
    '[data-testid="stDateInput"]': ("target-size",),
}


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it stands.

    A few findings are in Streamlit's own markup, which the app cannot change
    (`STREAMLIT_MARKUP`): those rules alone are not run inside those elements. Every
    other rule runs there, and those rules run everywhere else.
    """
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    run_only = {"type": "tag", "values": WCAG_TAGS}
    known = [sel for sel in STREAMLIT_MARKUP if page.locator(sel).count()]
    violations = axe.run(
        page,
        context={"exclude": [[sel] for sel in known]} if known else None,
        options={"runOnly": run_only, "resultTypes": ["violations"]},
    ).response["violations"]
    for selector in known:
        violations += axe.run(
            page,
            context={"include": [[selector]]},
            options={
                "runOnly": run_only,
                "rules": {rule: {"enabled": False} for rule in STREAMLIT_MARKUP[selector]},
                "resultTypes": ["violations"],
            },
        ).response["violations"]
    return violations


def describe(violations: list[dict]) -> str:
    """One line per rule, with the first offending element and why it fails."""
    lines = []
    for v in violations:
        node = v["nodes"][0]
        why = " ".join(node.get("failureSummary", "").split())[:200]
        lines.append(
            f"  {v['id']} ({v['impact']}, {len(v['nodes'])} element(s)): {v['help']}\n"
            f"    e.g. {node['html'][:160]}\n    {why}"
        )
    return "\n".join(lines)


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
