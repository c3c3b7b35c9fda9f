"""The disclosure plan of an agency's feedback page: every count the page publishes, the totals
that link them (outcomes add up to the agency's contacts, the flows of its repeats add up to its
repeats, decided = contacts − pending), protected by complementary suppression
(:class:`hwb_kpis.privacy.secondary.Ledger`). The month's counts the board pack also publishes
(the group's contacts, MARF, referrals, decided and repeats) carry the pack's keys
(:func:`hwb_kpis.report.published.count_key`) and take the stricter of the two plans' decisions,
so a count hidden in the board pack is hidden on the agency page too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hwb_kpis.privacy.disclosure import SHOWN, Decisions
from hwb_kpis.privacy.secondary import Ledger
from hwb_kpis.report import published, repeat_flows

if TYPE_CHECKING:
    from hwb_kpis.report.pages.feedback import FeedbackPage

#: the board pack's name of each KPI's numerator and denominator counts
PACK_COUNTS = {"contacts": ("contacts", None), "marf": ("marf", "contacts"), "conversion": ("referrals", "decided"),
               "repeat_contacts": ("repeats", "contacts")}


def key(what: str, agency: str, *parts: str) -> tuple:
    """The key of a count on an agency page (``what``: headline KPI, ``outcome``, ``quality``,
    ``flow_in``, ``flow_out``, ``contacts_12m``, ``decided_dated``)."""
    return ("agency page", what, str(agency), *(str(p) for p in parts))


def _headline(ledger: Ledger, page: FeedbackPage) -> None:
    h = page.headline
    a = page.agency.id
    for _, r in h.iterrows():
        who = a if r["who"] == page.agency.group else "all"
        for span, num, den in (("this month", "month_num", "month_den"), ("12 months", "year_num", "year_den")):
            k_num = ledger.count(key(r["kpi"], who, span, "num"), r[num], published=True,
                                 margin=who == "all")
            if r["kpi"] != "contacts":
                k_den = ledger.count(key(r["kpi"], who, span, "den"), r[den], published=False)
                if r[den]:  # the rate beside it, to a whole percent
                    ledger.share(k_num, k_den, round(r[num] / r[den], 2), what="a rate on the agency page")
            if r["kpi"] == "contacts" and span == "12 months" and who == a:
                ledger.count(key("contacts_12m", a, "any"), r[num], margin=True)
                ledger.total(key("contacts_12m", a, "any"), [k_num], what="the agency's 12-month contacts")


def _pack_months(ledger: Ledger, page: FeedbackPage, pack: Decisions) -> dict:
    """The agency's 12-month counts are sums of the months the board pack's KPI file (``kpis.csv``)
    publishes for its group: each 12-month count is tied to them, the months the pack shows as
    known figures (constants), those it hides as counts the page must keep hidden as the pack
    does (returned: key -> the pack's status, forced on the page's plan). A health code's months
    are not in the KPI file (its 12 months are: :func:`_stricter`)."""
    if page.agency.is_code:
        return {}
    forced = {}
    df, g = page.kpi_df, page.agency.group
    for kpi in page.headline["kpi"].unique():
        cells = df[(df["kpi"] == kpi) & (df["group"] == g) & (df["month"] >= page.first_month)
                   & (df["month"] <= page.month)]
        if kpi == "repeat_contacts":
            cells = cells[~cells["incomplete_history"].astype(bool)]
        for part, column in (("num", "numerator"), ("den", "denominator")):
            what = PACK_COUNTS[kpi][0 if part == "num" else 1]
            mine = key(kpi, page.agency.id, "12 months", part)
            if what is None or mine not in ledger:
                continue
            terms, known = {mine: 1.0}, 0.0
            for month, value in zip(cells["month"].astype(str), cells[column], strict=True):
                theirs = published.count_key(what, page.view, g, month)
                if theirs not in pack or pack.status(theirs) == SHOWN:
                    known += float(value)
                    continue
                hidden = ledger.count(("board pack", *theirs), value, published=True, margin=True)
                forced[hidden] = pack.status(theirs)
                terms[hidden] = terms.get(hidden, 0.0) - 1.0
            try:
                ledger.relation(terms, known, what=f"the agency's 12 months of {what} are the board pack's months")
            except ValueError:  # the page's months do not add up to the KPI file's (another definition)
                continue
    return forced


def _protect(ledger: Ledger, forced: dict, *, internal: bool) -> Decisions:
    """:meth:`Ledger.protect`, with the counts of ``forced`` starting hidden as the board pack
    hides them (a month the pack withholds as a complement stays as wide as its band here too)."""
    return ledger.protect(internal=internal, hidden=forced)


def _outcomes(ledger: Ledger, page: FeedbackPage) -> None:
    """Outcomes add up to the agency's 12 months' contacts (the headline's 12-month count)."""
    a = page.agency.id
    total = ledger.count(key("contacts_12m", a, "any"), int(page.outcomes.sum()), margin=True)
    parts = [ledger.count(key("outcome", a, o), n) for o, n in page.outcomes.items()]
    ledger.total(total, parts, what="the agency's contacts by outcome")
    ledger.count(key("decided_dated", a, "any"), page.decided_with_date, published=False)


def _links(ledger: Ledger, page: FeedbackPage) -> None:
    """What a reader can equate on the page: the 12 months' referrals are the outcome "referral",
    the decided are the contacts less those awaiting a decision, a KPI's base of contacts is the
    contacts sent (each only where the counts bear it out)."""
    a = page.agency.id
    contacts, pending = key("contacts_12m", a, "any"), key("outcome", a, "pending")
    same = [(key("conversion", a, "12 months", "num"), {key("outcome", a, "referral"): -1.0}),
            (key("conversion", a, "12 months", "den"), {contacts: -1.0, pending: 1.0}),
            (key("marf", a, "12 months", "den"), {contacts: -1.0}),
            (key("repeat_contacts", a, "12 months", "den"), {contacts: -1.0})]
    for mine, others in same:
        if mine not in ledger or any(k not in ledger for k in others):
            continue
        try:
            ledger.relation({mine: 1.0, **others}, 0.0, what=f"{mine[1]} {mine[-1]} over 12 months")
        except ValueError:  # not the same count on this extract
            continue


def _quality(ledger: Ledger, page: FeedbackPage) -> None:
    a = page.agency.id
    for what, r in page.quality.iterrows():
        ledger.count(key("quality", a, what), int(r["own"]))


def _flows(ledger: Ledger, page: FeedbackPage) -> None:
    """A health service's flows (by code: not in the board pack's table) in the page's ledger; an
    agency that is a source group shows a row and a column of the board pack's flow table, with
    the board's decisions (:func:`_board_flows`)."""
    if not page.agency.is_code:
        return
    a = page.agency.id
    flows = page.own_flows
    for direction, col in (("flow_in", "earlier"), ("flow_out", "later")):
        total = ledger.count(key(direction, a, "any"), int(flows[col].sum()) if len(flows) else 0, margin=True)
        parts = [ledger.count(key(direction, a, g), int(n)) for g, n in zip(flows["agency"], flows[col], strict=True)]
        if parts:
            ledger.total(total, parts, what=f"the agency's repeat flows ({col})")


def _stricter(page_plan: Decisions, pack: Decisions, page: FeedbackPage) -> Decisions:
    """The page's decisions, with each month count the board pack also shows hidden when either
    plan hides it."""
    status, values = dict(page_plan._status), dict(page_plan._values)
    for _, r in page.headline.iterrows():
        who = page.agency.id if r["who"] == page.agency.group else "all"
        pack_num, pack_den = PACK_COUNTS[r["kpi"]]
        group = "all" if who == "all" else page.agency.group
        for pack_what, mine in ((pack_num, key(r["kpi"], who, "this month", "num")),
                                (pack_den, key(r["kpi"], who, "this month", "den"))):
            if pack_what is None or mine not in status:
                continue
            theirs = published.count_key(pack_what, page.view, group, page.month)
            if theirs in pack and pack.status(theirs) != SHOWN and status[mine] == SHOWN:
                status[mine] = pack.status(theirs)
    if page.agency.is_code:
        mine, theirs = key("contacts", page.agency.id, "12 months", "num"), published.code12_key(page.view, page.agency.id,
                                                                                                 page.month)
        if mine in status and theirs in pack and pack.status(theirs) != SHOWN and status[mine] == SHOWN:
            status[mine] = pack.status(theirs)
            status[key("contacts_12m", page.agency.id, "any")] = pack.status(theirs)
    return Decisions(status, values, internal=page_plan.internal, unresolved=page_plan.unresolved)


def _board_flows(page: FeedbackPage) -> tuple[dict, dict]:
    """(status, value) of the page's flow cells as the board pack's flow table (page 04) publishes
    them: its repeats by the earlier agency are the board's column of the agency, the repeats
    after its contacts the board's row."""
    flows = page.flows
    board = page.shared.flows_decisions  # page 04's plan, made once per build
    full = repeat_flows.with_totals(flows)
    a, status, values = page.agency.id, {}, {}
    if flows.empty or a not in full.index:
        return status, values
    for g in page.own_flows["agency"]:
        for mine, earlier, later in ((key("flow_in", a, g), g, a), (key("flow_out", a, g), a, g)):
            if earlier in full.index and later in full.columns:
                values[mine] = float(full.loc[earlier, later])
                status[mine] = board.status(repeat_flows.flow_key(earlier, later, page.flow_month), values[mine])
    for mine, earlier, later in ((key("flow_in", a, "any"), repeat_flows.TOTAL, a),
                                 (key("flow_out", a, "any"), a, repeat_flows.TOTAL)):
        values[mine] = float(full.loc[earlier, later])
        status[mine] = board.status(repeat_flows.flow_key(earlier, later, page.flow_month), values[mine])
    return status, values


def agency_plan(page: FeedbackPage) -> Decisions:
    """Which of the page's counts are shown, ``<5`` or withheld (everything for an internal copy)."""
    ledger = Ledger()
    _headline(ledger, page)
    _outcomes(ledger, page)
    _links(ledger, page)
    _quality(ledger, page)
    _flows(ledger, page)
    if page.internal:
        return ledger.protect(internal=True)
    pack = published.pack_plan(page.data.tables, page.month, view=page.view, as_of=page.data.as_of,
                               processed_dir=page.data.processed_dir, lookback_days=page.lookback_days,
                               internal=False)  # the build's plan, kept in the processed folder
    plan = _protect(ledger, _pack_months(ledger, page, pack), internal=False)
    if not page.agency.is_code:
        status, values = _board_flows(page)
        plan = Decisions({**plan._status, **status}, {**plan._values, **values}, unresolved=plan.unresolved)
    return _stricter(plan, pack, page)
