# hwb-kpis — the README's two commands are `make report` and `make test`.
# Each creates .venv with Python 3.11 and installs the project on first use.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MONTH  ?= 2015-11
REPORT_ARGS ?=
FEEDBACK_ARGS ?=
PIPELINE_BENCH_ARGS ?= --scaling
REPORT_BENCH_ARGS ?= --repeat 3
CIN_BENCH_ARGS ?= --repeat 3

.PHONY: report feedback test backtest lab clean-data kpis benchmark lint venv

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (hwb-kpis)" >/dev/null
	@touch $(STAMP)

venv: $(STAMP)

## Build the board pack for MONTH on data/raw (the synthetic default extract when data/raw is empty).
report: $(STAMP)
	$(BIN)/hwb-kpis report --month $(MONTH) --raw data/raw --out reports $(REPORT_ARGS)

## One feedback page per partner agency for MONTH, into reports/MONTH/agencies/ (after `make report`).
feedback: $(STAMP)
	$(BIN)/hwb-kpis feedback --month $(MONTH) --raw data/raw --out reports $(FEEDBACK_ARGS)

## Run every test (the same command CI runs).
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadscope tests notebooks --nbval-lax --nbval-current-env

## The backtests alone: the default synthetic extract reproduces the seed report's and DfE's figures.
backtest: $(STAMP)
	$(BIN)/python -m pytest tests/backtests

## JupyterLab with the project's kernel; builds the default data first if needed.
lab: $(STAMP)
	$(BIN)/python -c "from hwb_kpis.report.data import ensure_processed; ensure_processed('data/processed', 'data/raw')"
	$(BIN)/jupyter lab notebooks/

kpis: $(STAMP)
	$(BIN)/hwb-kpis kpis --month $(MONTH) --format table

## Speed: the cleaning pipeline against its floor, and the monthly pack against its floor.
benchmark: $(STAMP)
	$(BIN)/python benchmarks/pipeline.py $(PIPELINE_BENCH_ARGS)
	$(BIN)/python benchmarks/report.py $(REPORT_BENCH_ARGS)
	$(BIN)/python benchmarks/cin_census.py $(CIN_BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check hwb_kpis tests benchmarks

clean-data:
	rm -rf data/processed/*.parquet data/processed/*.csv data/processed/*.json reports/
