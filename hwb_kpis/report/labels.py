"""What the pack calls a source group (agency) and a measure: ``"la_services"`` is "LA services",
``("marf", "health")`` is "Contacts submitted on a MARF – health". KPI names come from the KPI
registry (:mod:`hwb_kpis.kpis.registry`); this module only adds the group."""

from __future__ import annotations

from hwb_kpis.kpis import registry

#: source groups (``reference/referral_sources.csv``) as a board member reads them
GROUP_LABELS: dict[str, str] = {
    "all": "all agencies",
    "individual": "individuals",
    "schools": "schools",
    "education": "education services",
    "health": "health",
    "housing": "housing",
    "la_services": "LA services",
    "police": "police",
    "legal": "legal agencies",
    "other": "other agencies",
    "anonymous": "anonymous",
    "unknown": "unknown source",
}


def group_label(group: str) -> str:
    """``"la_services"`` → ``"LA services"``; a single source code by its short name in the code
    list: ``"code:3C"`` → ``"school nurse"`` (``"code 3Z"`` for a code the list does not have)."""
    g = str(group)
    if g.startswith("code:"):
        return source_label(g[5:])
    return GROUP_LABELS.get(g, g.replace("_", " "))


def source_label(code: str) -> str:
    """A source code as a reader names it, from the code list's short label: ``"3C"`` →
    ``"school nurse"``, ``"3A"`` → ``"GP"``; ``""``/``"blank"`` → ``"none recorded"``; a code
    the list does not have → ``"code 3Z"``."""
    code = str(code).strip()
    if code in ("", "blank"):
        return "none recorded"
    from hwb_kpis import coding

    reference = coding.load_reference()
    found = reference.loc[reference["code"].astype(str) == code, "short_label"]
    if not len(found):
        return f"code {code}"
    name = str(found.iloc[0])
    return name if name[:2].isupper() or "&" in name else name[0].lower() + name[1:]


def measure_label(kpi: str, group: str = "all", *, brackets: bool = False) -> str:
    """A KPI for one group as a table row or a list item names it: ``"Repeat contacts – health"``
    (``brackets``: ``"Repeat contacts (health)"``); the KPI alone for all agencies."""
    label = registry.label(kpi)
    if group == "all":
        return label
    return f"{label} ({group_label(group)})" if brackets else f"{label} – {group_label(group)}"
