# Two commands do all the set-up: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INDEX  ?= index
SOURCE ?= seeds
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: serve test index install chromium clean fuzz load

# Reinstall whenever the project's dependencies change.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

$(INDEX)/current: | $(BIN)/.installed
	$(BIN)/vnsearch index --source $(SOURCE) --index $(INDEX)

index: $(BIN)/.installed
	$(BIN)/vnsearch index --source $(SOURCE) --index $(INDEX)

serve: $(BIN)/.installed $(INDEX)/current
	$(BIN)/vnsearch serve --index $(INDEX) --host $(HOST) --port $(PORT)

# The browser test drives Debian's chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "chromium is missing: installing Debian's package"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: $(BIN)/.installed chromium
	$(BIN)/python -m pytest

# 10,000 hostile queries through the library, /api/search, /search and /doc.
fuzz: $(BIN)/.installed
	FUZZ_EXAMPLES=10000 $(BIN)/python -m pytest -q -s tests/test_hostile.py -k hostile_queries

# 8 clients for 30 s against `vnsearch serve` on 127.0.0.1.
load: $(BIN)/.installed
	$(BIN)/python bench/load.py --clients 8 --seconds 30

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache
