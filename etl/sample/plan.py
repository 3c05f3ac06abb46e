"""An illustrative improvement plan: 51 invented actions in six themes, a snapshot each quarter.

Shaped on the public facts in DOMAIN.md ("The improvement plan"): after the 2014 inspection the
council's plan was reported each quarter here from June 2015 to March 2017, and the leader told
the public meeting in March 2016 that it had "completed 48% of its overall actions" — so the
March 2016 snapshot has 24 of its 50 actions complete. One action is added in June 2016 and one
withdrawn in September 2016, so the history has both. Every action, lead and date is invented
(illustrative, not to be quoted); the workbooks say so on an `about` sheet and in their names.

The snapshots are written as the plan workbooks a director would upload and loaded through the
same checks (`etl.ingest.plan_load`), so the sample can never hold what an upload could not.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from analysis.plan import AT_RISK, COMPLETE, NOT_STARTED, OFF_TRACK, ON_TRACK, WITHDRAWN
from core.periods import add_months
from etl.ingest.plan_load import PlanAlreadyLoaded, commit_plan, prepare_plan
from etl.ingest.plan_sheet import PLAN_COLUMNS
from etl.store.database import Store

AS_AT = tuple(add_months(dt.date(2015, 6, 1), 3 * n) for n in range(8))  # Jun 2015 .. Mar 2017
COMPLETING = (4, 6, 7, 7, 6, 5, 5, 4)  # actions completed by each snapshot: 24 by March 2016
ADDED = ("6.6", 4)  # ref, snapshot index it first appears in (June 2016)
WITHDRAWN_ACTION = ("1.8", 5)  # ref, snapshot index it is withdrawn in (September 2016)
# Actions finished about six months after they were due: they show as overdue meanwhile.
LATE = frozenset({"1.4", "2.4", "3.3", "3.5", "4.3", "4.5", "5.3", "5.5", "3.8"})
ILLUSTRATIVE = (
    "Illustrative sample improvement plan: every action, lead and date is invented, shaped on "
    "public facts about one council's plan in 2015 to 2017. Not to be quoted."
)
THEMES = (
    "Leadership and governance",
    "Front door and early help",
    "Quality of social work practice",
    "Workforce",
    "Children in care and care leavers",
    "Exploitation and missing children",
)
LEADS = {
    "CEX": "Chief Executive",
    "DEM": "Democratic Services Manager",
    "DCS": "Director of Children's Services",
    "ICT": "Head of ICT",
    "MASH": "Head of MASH",
    "EH": "Head of Early Help",
    "PSW": "Principal Social Worker",
    "ASM": "Head of Assessment",
    "SG": "Head of Safeguarding",
    "HR": "Head of HR",
    "CIC": "Head of Children in Care",
    "FOS": "Head of Fostering",
    "NUR": "Designated Nurse",
    "VSH": "Virtual School Head",
    "LC": "Head of Leaving Care",
    "COM": "Head of Commissioning",
    "PERF": "Head of Performance",
}
# ref | due (YYYY-MM) | lead (LEADS) | indicators it should move | the action
ACTIONS_TEXT = """
1.1 | 2015-06 | CEX |  | Appoint a permanent Director of Children's Services
1.2 | 2015-07 | CEX |  | Monthly improvement board chaired independently
1.3 | 2015-09 | PERF | REF_24H, REREF_12M | Monthly performance scorecard to the select commission
1.4 | 2015-12 | DEM |  | Members' training on corporate parenting
1.5 | 2016-03 | CEX |  | Six-monthly progress reports to the commissioners
1.6 | 2016-06 | DCS |  | Quality-assurance framework adopted by the board
1.7 | 2016-09 | DCS |  | Partnership agreement with the police and health
1.8 | 2017-06 | ICT |  | Single case-management system across teams
2.1 | 2015-06 | MASH | REF_24H | Multi-agency safeguarding hub open every working day
2.2 | 2015-09 | MASH | REF_24H | Decision on every referral within one working day
2.3 | 2015-09 | MASH | REFERRALS | Threshold document agreed with partners
2.4 | 2015-12 | EH | REREF_12M | Early help assessment for families stepped down
2.5 | 2016-03 | PSW | REREF_12M | Audit of repeat referrals each quarter
2.6 | 2016-06 | MASH | REF_24H | Out-of-hours service joined to the MASH
2.7 | 2016-09 | EH | REFERRALS | Partners' training on thresholds
2.8 | 2016-12 | EH | REREF_12M | Step-down protocol to early help
2.9 | 2017-03 | EH | REREF_12M | Family support offer in every locality
3.1 | 2015-07 | ASM | ASSESS_45WD | Assessment timescales tracked weekly by team
3.2 | 2015-09 | PSW |  | Monthly case audit programme
3.3 | 2015-10 | PSW | CASELOAD_OVER_22 | Supervision policy with monthly recorded supervision
3.4 | 2015-12 | PSW | ASSESS_45WD | Practice standards for assessments and plans
3.5 | 2016-01 | SG |  | Child protection conferences on time
3.6 | 2016-03 | PSW |  | Signs of Safety practice model training
3.7 | 2016-06 | ASM | ASSESS_45WD | Children's views recorded in every assessment
3.8 | 2016-09 | SG |  | Review of plans open over two years
3.9 | 2016-12 | PSW |  | Audit findings reported to the board each quarter
3.10 | 2017-03 | PSW |  | Practice week twice a year
4.1 | 2015-06 | ASM | CASELOAD_OVER_22, CASELOAD_AVG | Caseloads checked weekly; none over 22
4.2 | 2015-09 | HR | CASELOAD_AVG | Recruitment campaign for permanent social workers
4.3 | 2015-12 | HR |  | Fewer agency managers: permanent team managers
4.4 | 2016-01 | PSW | CASELOAD_AVG | Newly qualified social worker programme
4.5 | 2016-03 | HR |  | Market supplement for hard-to-fill posts
4.6 | 2016-06 | HR |  | Exit interviews analysed each quarter
4.7 | 2016-12 | HR | CASELOAD_AVG | Career pathway for senior practitioners
4.8 | 2017-06 | DCS |  | Workforce strategy refreshed
4.9 | 2016-09 | PSW | CASELOAD_AVG | Social work academy with a local university
5.1 | 2015-09 | CIC | LAC_OOA | Sufficiency strategy for placements
5.2 | 2015-12 | FOS | LAC_OOA, LAC_20MI | Recruit more in-house foster carers
5.3 | 2015-10 | CIC | LAC_OOA_20MI | Placement panel reviews every out-of-area placement
5.4 | 2016-01 | SG | LAC_COUNT | Reviews of children in care on time
5.5 | 2016-03 | NUR |  | Health assessments within 20 working days
5.6 | 2016-06 | VSH |  | Personal education plans for every child
5.7 | 2016-09 | LC |  | Care leavers' local offer published
5.8 | 2016-12 | CIC | LAC_20MI, LAC_DISTANCE | Placements within 20 miles where right for the child
5.9 | 2017-03 | LC |  | Care leavers in suitable accommodation
6.1 | 2015-06 | SG |  | Child sexual exploitation team with the police
6.2 | 2015-09 | SG |  | Visits in response to every CSE referral
6.3 | 2015-12 | SG |  | Return interviews for every missing episode
6.4 | 2016-03 | EH |  | CSE awareness in every school
6.5 | 2016-06 | SG |  | Missing and CSE panel monthly
6.6 | 2017-03 | COM |  | Support for survivors commissioned
"""


def _actions() -> tuple[tuple[str, str, str, str, str], ...]:
    """(ref, action, lead, due, indicators) for each line of ACTIONS_TEXT."""
    rows = []
    for line in ACTIONS_TEXT.strip().splitlines():
        ref, due, lead, codes, action = (part.strip() for part in line.split("|"))
        rows.append((ref, action, LEADS[lead], due, codes))
    return tuple(rows)


ACTIONS = _actions()


def _month(text: str) -> dt.date:
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


def completion_index() -> dict[str, int]:
    """The snapshot index at which each completing action is first Complete.

    Actions complete in the order they are due (ref breaking ties), those in LATE about six
    months after, so each quarter's quota (COMPLETING) is met and the late ones show as overdue.
    """
    candidates = sorted(
        (a for a in ACTIONS if a[0] != WITHDRAWN_ACTION[0]),
        key=lambda a: (
            add_months(_month(a[3]), 6 if a[0] in LATE else 0),
            [int(p) for p in a[0].split(".")],
        ),
    )
    done: dict[str, int] = {}
    queue = iter(candidates)
    for index, quota in enumerate(COMPLETING):
        taken = 0
        while taken < quota:
            ref = next(queue)[0]
            if ref == ADDED[0] and index < ADDED[1]:
                continue  # not in the plan yet: it is never due before it exists
            done[ref] = index
            taken += 1
    return done


def snapshot_rows(index: int) -> list[tuple[object, ...]]:
    """The actions sheet as at AS_AT[index]."""
    as_at, done = AS_AT[index], completion_index()
    rows: list[tuple[object, ...]] = []
    for number, (ref, action, lead, due_text, codes) in enumerate(ACTIONS):
        if ref == ADDED[0] and index < ADDED[1]:
            continue
        due = _month(due_text)
        theme = THEMES[int(ref.split(".")[0]) - 1]
        completed = None
        if ref == WITHDRAWN_ACTION[0] and index >= WITHDRAWN_ACTION[1]:
            status = WITHDRAWN
        elif ref in done and done[ref] <= index:
            status = COMPLETE
            month = add_months(AS_AT[done[ref]], -1)
            completed = dt.date(month.year, month.month, 3 + number % 25)
        elif due < as_at:
            status = OFF_TRACK
        elif due < add_months(as_at, 6) and number % 3 == 0:
            status = AT_RISK
        elif due < add_months(as_at, 12):
            status = ON_TRACK
        else:
            status = NOT_STARTED
        rows.append((ref, theme, action, lead, due, status, completed, codes, ""))
    return rows


def snapshot_workbook(index: int) -> bytes:
    """One quarter's plan as the workbook a director would upload."""
    book = Workbook()
    about = book.active
    about.title = "about"
    about.append([ILLUSTRATIVE])
    about.append([f"Snapshot as at {AS_AT[index]:%B %Y}."])
    sheet = book.create_sheet("actions")
    sheet.append(list(PLAN_COLUMNS))
    for row in snapshot_rows(index):
        sheet.append(list(row))
        for cell in sheet[sheet.max_row][4:7]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "mmm yyyy" if cell.column == 5 else "dd/mm/yyyy"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(index: int) -> str:
    return f"illustrative-improvement-plan-{AS_AT[index]:%Y-%m}.xlsx"


def load_sample_plan(store: Store, submitter: str) -> int:
    """Load every quarterly snapshot in order; returns how many were loaded."""
    made = 0
    for index, as_at in enumerate(AS_AT):
        prepared = prepare_plan(file_name(index), snapshot_workbook(index))
        try:
            commit_plan(store, prepared, as_at, submitter)
        except PlanAlreadyLoaded:
            continue
        made += 1
    return made
