# Advisor Twin: `make run` serves the whole product, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench lint format install clean-db backup restore

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing Advisor Twin and its dependencies into $(VENV)..." >&2
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@$(BIN)/python -m advisor.config.devstack

# Tests run on their own embedded cluster (var/postgres-test), or on DATABASE_URL.
test: $(STAMP)
	EMBEDDED_POSTGRES_DIR=var/postgres-test $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	@EMBEDDED_POSTGRES_DIR=var/postgres-bench $(BIN)/python -m bench.run $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Stop and delete the embedded clusters (all local data is lost).
clean-db: $(STAMP)
	@$(BIN)/python -c "from pathlib import Path; from advisor.config.embedded_db import stop_cluster; [stop_cluster(p.resolve()) for p in Path('var').glob('postgres*') if p.is_dir()]"
	rm -rf var/postgres var/postgres-test var/postgres-bench

# Backups: a pg_dump with a manifest (checksums, versions, ledger heads) in
# var/backups/<time>/; restore checks it, loads it into a fresh cluster and
# runs verify_ledger there. `make restore BACKUP=var/backups/<time>`.
backup: $(STAMP)
	@$(BIN)/python -m advisor.config.backup dump $(BACKUP_ARGS)

restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<time> [RESTORE_ARGS=--into DIR]" >&2; exit 2; }
	@$(BIN)/python -m advisor.config.backup restore --from "$(BACKUP)" $(RESTORE_ARGS)
