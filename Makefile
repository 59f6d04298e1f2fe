# O2G Mentor — `make lab` starts the course, `make test` runs every test. Both create .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8443

.PHONY: setup lab sim sim-stop test lint bench fuzz mutation clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## The course: the simulated O2G in the background, then JupyterLab on notebooks/
lab: setup
	$(BIN)/o2gmentor lab --port $(PORT)

sim: setup
	$(BIN)/o2gmentor sim --port $(PORT)

sim-stop: setup
	$(BIN)/o2gmentor sim-stop

## Every test: lint, units, the simulator over HTTPS, every lesson, solution and exercise top to bottom (nbval),
## each exercise check both ways, every lesson through papermill with other parameters and in real mode
test: setup
	$(BIN)/ruff check helpers tests benchmarks
	$(BIN)/o2gmentor build --check
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env tests notebooks solutions exercises

## Performance (not part of `make test`): every figure of benchmarks/README.md measured side by side in one run
## against servers in their own processes, with wrk as the load generator (installed from Debian's packages when
## missing and this is root; otherwise an async aiohttp client stands in). About 15 min on 2 cores.
bench: setup
	@command -v wrk >/dev/null || { [ "$$(id -u)" -eq 0 ] && (apt-get install -y -qq wrk >/dev/null 2>&1 || \
		{ apt-get update -qq && apt-get install -y -qq wrk; }) || echo "wrk not installed (apt-get install wrk): \
		the REST figure uses the aiohttp client instead"; }
	$(BIN)/python benchmarks/bench.py

## A long fuzz of every O2G route from the simulator's OpenAPI description (make test runs it short)
fuzz: setup
	O2G_FUZZ_EXAMPLES=$${O2G_FUZZ_EXAMPLES:-100} $(BIN)/python -m pytest -q -p no:cacheprovider -o addopts="" \
		--timeout 3600 tests/integration/test_fuzz.py

## Mutation testing (not part of `make test`): how many planted bugs the fast tests catch in the call model, the
## simulator's sessions and subscriptions and the client's transport/session/events; a score per module
## (target 80 %, see benchmarks/README.md). About an hour on 2 cores; MUTATION_JOBS=1 for one worker.
mutation: setup
	$(BIN)/python benchmarks/mutation.py

lint: setup
	$(BIN)/ruff check helpers tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build
