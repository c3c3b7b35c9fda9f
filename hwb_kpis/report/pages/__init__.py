"""The pages of the board pack, one module per notebook: what that page computes and says.

Each module has ``load(**parameters)`` (the notebook's parameters) returning a page object whose
attributes and methods the notebook's cells show through :mod:`hwb_kpis.report.display`:
:mod:`.summary` (00), :mod:`.data_quality` (01), :mod:`.contacts` (02), :mod:`.conversion` (03),
:mod:`.repeats` (04), :mod:`.iha` (05), :mod:`.benchmarking` (06). Import the one a notebook
needs (``from hwb_kpis.report.pages import summary``): this package imports none of them, so a
page pays only for its own statistics.
"""
