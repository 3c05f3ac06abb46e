"""What a page looks like at a screen size: resizing, sideways scroll, cut-off names, focus rings.

The checks are read from the page's own layout (scroll widths, computed styles), so a
failure names the element and its size rather than pointing at a picture. Each check
returns a list of problems in plain sentences; none means the page passes.
"""

from __future__ import annotations

from contextlib import suppress

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

LAPTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
SIZES = {"1440": LAPTOP, "390": PHONE}
SETTLE_MS = 5_000  # longer than Streamlit's 0.3 s sidebar slide and a chart's relayout
EXPAND_SIDEBAR = '[data-testid="stExpandSidebarButton"]'

# On widening the window: true once the sidebar is open or its "expand" button shows.
OPEN_OR_FOLDED_JS = f"""() => {{
    const bar = document.querySelector('[data-testid="stSidebar"]');
    return !bar || bar.getBoundingClientRect().left >= 0
        || document.querySelector('{EXPAND_SIDEBAR}') !== null;
}}"""
# True once the layout has caught up with the window: the sidebar has finished sliding
# (out of sight on a phone, open on a laptop) and every chart and grid in view fits the
# main column. (Streamlit folds the sidebar itself below its breakpoint and opens it
# again above it; charts and grids redraw at the new width a moment after the resize.)
SETTLED_JS = """(phone) => {
    const bar = document.querySelector('[data-testid="stSidebar"]');
    if (bar) {
        if (bar.getAnimations().some(a => a.playState === 'running')) return false;
        const r = bar.getBoundingClientRect();
        if (phone ? r.right > 0 : (r.left < 0 || r.width === 0)) return false;
    }
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main) return false;
    const right = main.getBoundingClientRect().right + 1;
    return [...main.querySelectorAll('.js-plotly-plot .main-svg, [data-testid="stDataFrame"]')]
        .filter(e => e.checkVisibility({checkVisibilityCSS: true}))
        .every(e => e.getBoundingClientRect().right <= right);
}"""

# Whether the page scrolls sideways, and what sticks out past the window's right edge.
# Streamlit scrolls the page inside stMain, whose sideways overflow the app's stylesheet
# hides: its scroll width still counts what would be cut off there. An element inside a
# box that scrolls or clips within the window (a wide table's own scroll bar) is not the
# page scrolling, and neither is one that is not shown (a closed expander's content).
SIDEWAYS_JS = """() => {
    const doc = document.scrollingElement;
    const main = document.querySelector('[data-testid="stMain"]');
    const width = doc.clientWidth;
    const problems = [];
    if (doc.scrollWidth > doc.clientWidth + 1)
        problems.push(`the page scrolls sideways (${doc.scrollWidth}px of content in ${width}px)`);
    if (main && main.scrollWidth > main.clientWidth + 1)
        problems.push(`the main column is ${main.scrollWidth}px wide in ${main.clientWidth}px`);
    if (!problems.length || !main) return problems;
    const contained = (e) => {
        for (let a = e.parentElement; a && a !== main; a = a.parentElement)
            if (getComputedStyle(a).overflowX !== 'visible'
                && a.getBoundingClientRect().right <= width + 1) return true;
        return false;
    };
    const sticking = [...main.querySelectorAll('*')].filter(e =>
        e.getBoundingClientRect().right > width + 1
        && e.checkVisibility({checkVisibilityCSS: true}) && !contained(e));
    const outermost = sticking.filter(e => !sticking.includes(e.parentElement)).slice(0, 5);
    for (const e of outermost) {
        const r = e.getBoundingClientRect();
        const name = e.getAttribute('data-testid') || e.className || e.tagName.toLowerCase();
        const text = (e.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
        problems.push(`  ${name} reaches ${Math.round(r.right)}px: "${text}"`);
    }
    return problems;
}"""

# Every indicator name in the laptop scorecard tables, and why any of them is cut off:
# text that overflows its cell (scrollWidth > clientWidth, as an ellipsis or clipping
# leaves it), a cell past the right edge of its table's box, or a table wider than its
# box (columns to scroll to). A scorecard drawn on a canvas (st.dataframe) has no name
# cells to read, and says so.
NAMES_JS = """(containers) => {
    const names = [], problems = [];
    for (const box of document.querySelectorAll(containers)) {
        if (!box.checkVisibility({checkVisibilityCSS: true})) continue;
        if (box.querySelector('[data-testid="stDataFrame"] canvas'))
            problems.push(`${box.className}: the scorecard is drawn on a canvas (st.dataframe),`
                + ' whose names cannot be read to check that they are whole');
        for (const table of box.querySelectorAll('table')) {
            const holder = table.parentElement;
            if (holder.scrollWidth > holder.clientWidth + 1)
                problems.push(`a scorecard table is ${holder.scrollWidth}px wide in `
                    + `${holder.clientWidth}px: its right-hand columns need sideways scrolling`);
            const edge = holder.getBoundingClientRect().right + 1;
            for (const row of table.querySelectorAll('tbody tr')) {
                const cell = row.querySelector('th') || row.querySelector('td');
                if (!cell) continue;
                const name = cell.innerText.trim();
                names.push(name);
                // Cut off: more text than the cell shows, whatever the cell does with the
                // rest (an ellipsis, clipping or a scroll bar).
                const [w, h] = [cell.clientWidth, cell.clientHeight];
                if (cell.scrollWidth > w + 1 || cell.scrollHeight > h + 1)
                    problems.push(`"${name}" is cut off: ${cell.scrollWidth}x`
                        + `${cell.scrollHeight}px of text in a ${w}x${h}px cell`);
                if (cell.getBoundingClientRect().right > edge)
                    problems.push(`"${name}" runs past the right edge of its table's box`);
            }
        }
    }
    return {names, problems};
}"""

# The focused element: its name, its ring, whether it is in a chart (which one), and
# whether it is in the first chart's data table or the block holding it (its expander).
FOCUS_JS = r"""() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const block = e.closest('[data-testid="stFullScreenFrame"], [data-testid="stExpander"]');
    const chart = e.closest('[data-testid="stPlotlyChart"]');
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    // The first chart's data table: the first table after it on the page.
    const tables = [...document.querySelectorAll('[data-testid="stDataFrame"], table')];
    const first = charts.length ? tables.find(t =>
        charts[0].compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) : null;
    const ring = getComputedStyle(e);
    let background = 'rgb(255, 255, 255)';
    for (let a = e.parentElement; a; a = a.parentElement) {
        const c = getComputedStyle(a).backgroundColor;
        if (c && c !== 'transparent' && !c.endsWith(', 0)')) { background = c; break; }
    }
    const px = '\\s+(-?[\\d.]+)px';  // a box-shadow's colour, x, y, blur and spread
    const shadow = new RegExp(`(rgba?\\([^)]*\\))${px}${px}${px}${px}`).exec(ring.boxShadow || '');
    const r = e.getBoundingClientRect();
    return {
        name: (e.getAttribute('aria-label') || e.innerText || e.tagName).trim().slice(0, 80),
        chart: chart ? charts.indexOf(chart) : -1,
        table: !!(block && !chart && first && (block.contains(first) || first.contains(e))),
        outline: [ring.outlineStyle, parseFloat(ring.outlineWidth) || 0, ring.outlineColor],
        shadow: shadow ? [shadow[1], parseFloat(shadow[5])] : null,
        background,
        onScreen: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
    };
}"""
RING_MIN_PX = 2  # WCAG 2.2 focus appearance: at least a 2 CSS px thick perimeter
RING_MIN_CONTRAST = 3.0  # ... with at least 3:1 against what is next to it


def fit_to(page, size: dict[str, int]) -> None:
    """Set the window to `size` and wait until the page has laid itself out again.

    A laptop-width window gets its sidebar back if Streamlit left it folded. If the layout
    never settles (a chart that stays wider than the screen) the checks that follow say so.
    """
    if page.viewport_size == size:
        return
    page.set_viewport_size(size)
    phone = size["width"] < LAPTOP["width"] // 2
    with suppress(PlaywrightTimeoutError):
        if not phone:  # Streamlit opens the sidebar again itself, or shows its button
            page.wait_for_function(OPEN_OR_FOLDED_JS, timeout=SETTLE_MS, polling="raf")
            if page.locator(EXPAND_SIDEBAR).count():
                page.locator(EXPAND_SIDEBAR).click()
        page.wait_for_function(SETTLED_JS, arg=phone, timeout=SETTLE_MS, polling="raf")


def sideways_problems(page) -> list[str]:
    return page.evaluate(SIDEWAYS_JS)


def scorecard_names(page, containers: str) -> tuple[list[str], list[str]]:
    """The indicator names shown in the laptop scorecard tables, and every cut-off one."""
    found = page.evaluate(NAMES_JS, containers)
    return found["names"], found["problems"]


def focused(page) -> dict | None:
    return page.evaluate(FOCUS_JS)


def _luminance(css: str) -> float:
    parts = [float(p) for p in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]
    lin = [
        c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in parts
    ]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two CSS rgb()/rgba() colours (alpha ignored)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def ring_problem(focus: dict) -> str | None:
    """Why the focused element's ring fails WCAG 2.2 focus appearance, or None if it passes:
    a solid outline or a box-shadow ring at least 2 px thick, 3:1 against the background."""
    if not focus["onScreen"]:
        return f"{focus['name']!r} has focus but is off screen"
    style, width, colour = focus["outline"]
    ringed = style not in ("none", "hidden") and width >= RING_MIN_PX
    if ringed and contrast(colour, focus["background"]) >= RING_MIN_CONTRAST:
        return None
    if focus["shadow"]:
        colour, spread = focus["shadow"]
        if spread >= RING_MIN_PX and contrast(colour, focus["background"]) >= RING_MIN_CONTRAST:
            return None
    return (
        f"{focus['name']!r} has no visible focus ring (outline {style} {width}px {colour}, "
        f"box-shadow {focus['shadow']}, on {focus['background']})"
    )
