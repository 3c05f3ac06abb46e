"""Accessibility checks with axe-core: WCAG 2.2 A/AA, failing on serious and critical findings.

Findings inside Streamlit's own markup that no app code can change are listed in
`STREAMLIT_MARKUP`, and only those rules are set aside, only inside those elements.
"""

from __future__ import annotations

from functools import cache

# axe-core rule tags for WCAG 2.2 level A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
# axe findings inside Streamlit's own widgets, which no app code can change (checked
# with streamlit 1.67): element -> the axe rules whose findings inside it are set aside.
STREAMLIT_MARKUP = {
    # Sectioned navigation puts its section headings (<div>) straight inside the <ul>.
    '[data-testid="stSidebarNavItems"]': ("list", "listitem"),
    # st.date_input's day/month/year segments are 18x20 px (WCAG 2.5.8 wants 24 px).
    '[data-testid="stDateInput"]': ("target-size",),
}
# One axe run over the whole page; a finding of a rule listed for an element of
# STREAMLIT_MARKUP is dropped when the offending node is that element or inside it.
# (One run, not one per listed element: the page's checks cost half the time.)
RUN_JS = """async ([tags, markup]) => {
    const results = await axe.run(document, {
        runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
    });
    const known = (rule, node) => {
        const selector = node.target && node.target[0];
        const element = typeof selector === 'string' ? document.querySelector(selector) : null;
        return element !== null && Object.entries(markup).some(
            ([within, rules]) => rules.includes(rule) && element.closest(within) !== null);
    };
    return results.violations
        .map(v => ({...v, nodes: v.nodes.filter(node => !known(v.id, node))}))
        .filter(v => v.nodes.length > 0);
}"""


@cache
def _axe_script() -> str:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it stands.

    axe is put into the page once: Streamlit moves between pages without loading a new
    document, so it stays there. A few findings are in Streamlit's own markup, which the
    app cannot change (`STREAMLIT_MARKUP`): those rules' findings alone are set aside
    inside those elements; every other rule counts there, and those rules count elsewhere.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_script())
    markup = {selector: list(rules) for selector, rules in STREAMLIT_MARKUP.items()}
    return page.evaluate(RUN_JS, [WCAG_TAGS, markup])


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
