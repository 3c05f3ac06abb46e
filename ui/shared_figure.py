"""A Plotly figure held in the process-wide cache and drawn by many sessions.

`st.plotly_chart` turns its figure into a dictionary on every run (`Figure.to_dict`: a
deep copy of every trace, then a pass converting arrays), about 3 ms a chart here, and
the family pages draw several charts a run for every session (issue 17). A figure in
`ui.cached` is shared and never changed after it is built, so its dictionary can be
made once and handed out again. The dictionary is shared too: Plotly's JSON writer,
which Streamlit calls next, only reads it (and removes trace ids, which these figures
never have).
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go


class SharedFigure(go.Figure):
    """A finished figure whose `to_dict` is computed once; nothing may change it after."""

    def to_dict(self) -> dict[str, Any]:
        made = self.__dict__.get("_cyps_dict")
        if made is None:
            made = super().to_dict()
            self.__dict__["_cyps_dict"] = made
        return made


def shared(figure: go.Figure) -> SharedFigure:
    """The figure itself, made a `SharedFigure` (its dictionary made now, off the next run).

    The class is changed in place rather than the figure copied: a copy would revalidate
    every property, and the traces would belong to a different figure than the one drawn.
    """
    figure.__class__ = SharedFigure
    figure.__dict__.pop("_cyps_dict", None)
    figure.to_dict()
    return figure
