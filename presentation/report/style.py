"""The committee report's print stylesheet, inlined into every report (no external files).

A4 with room for a hole punch, a page break before each family so sections can be handed
round separately, a chart never split across pages, table headers repeated on each page,
system fonts only (Arial or its metric twin), and black text on white for photocopying.
"""

import re

from etl.outputs.report_figures import EXEMPT_MARKING
from presentation import palette

CSS_TEMPLATE = """
@page { size: A4; margin: 16mm 14mm 16mm 18mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: Arial, Helvetica, "Liberation Sans", sans-serif; font-size: 10.5pt;
       line-height: 1.4; color: $BLACK; background: $WHITE; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 22pt; margin: 8mm 0 4mm; }
h2 { font-size: 16pt; margin: 0 0 3mm; border-bottom: 2px solid $BLACK; padding-bottom: 1mm; }
h3 { font-size: 12pt; margin: 5mm 0 1mm; }
h4 { font-size: 10.5pt; margin: 2mm 0 1mm; }
a { color: $LINK_BLUE; }
.cover .council { font-size: 13pt; font-weight: bold; margin-top: 20mm; }
.cover .month { font-size: 16pt; font-weight: bold; }
.contents-title { font-size: 13pt; margin-top: 8mm; }
.banner { border: 3px solid $BLACK; padding: 3mm; background: $PALE_YELLOW; }
.summary, .family, .notes { break-before: page; }
.indicator { break-inside: avoid; margin-bottom: 6mm; }
.subtitle { color: $DARK_GREY; margin: 0; }
.note { font-size: 9pt; color: $NOTE_GREY; }
.spc { margin: 1mm 0; }
.commentary { border-left: 4px solid $LINK_BLUE; padding: 0 0 0 3mm; margin: 2mm 0; }
.commentary p { margin: 0 0 1mm; }
svg.chart { width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 5mm; font-size: 8.5pt; }
caption { text-align: left; font-weight: bold; font-size: 11pt; padding: 1mm 0; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 1px solid $MID_GREY; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
thead th { background: $PALE_GREY; }
tbody th { font-weight: normal; }
td.rag-green { background: $STATUS_GREEN; color: $WHITE; }
td.rag-amber { background: $STATUS_YELLOW; color: $BLACK; }
td.rag-red { background: $STATUS_RED; color: $WHITE; }
dt { font-weight: bold; margin-top: 2mm; }
dd { margin: 0 0 0 4mm; }
@media screen { body { padding: 0 6mm 12mm; }
  .summary, .family, .notes { border-top: 1px dashed $MID_GREY; margin-top: 10mm;
                              padding-top: 4mm; } }
"""
# The colours come from presentation.palette: `$NAME` in the template is its constant.
CSS = re.sub(r"\$([A-Z_]+)", lambda m: str(getattr(palette, m.group(1))), CSS_TEMPLATE)


# The exempt version (issue 12 §5): the Schedule 12A marking at the head and foot of every
# printed page (page-margin boxes, which Chromium prints), and a banner atop every section.
EXEMPT_MARK_TEXT = EXEMPT_MARKING
EXEMPT_CSS = f"""
@page {{ @top-center {{ content: "{EXEMPT_MARK_TEXT}"; font-family: Arial, sans-serif;
                       font-size: 8.5pt; font-weight: bold; color: {palette.BLACK}; }}
        @bottom-center {{ content: "{EXEMPT_MARK_TEXT}"; font-family: Arial, sans-serif;
                          font-size: 8.5pt; font-weight: bold; color: {palette.BLACK}; }} }}
.exempt-marking {{ border: 3px solid {palette.STATUS_RED}; padding: 2mm 3mm; margin: 0 0 3mm;
                  background: {palette.WHITE}; color: {palette.BLACK}; }}
"""
