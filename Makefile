# Two commands do all the set-up: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INDEX  ?= index
SOURCE ?= seeds
HOST   ?= 127.0.0.1
PORT   ?= 8000

# A comma inside $(if ...).
, := ,

.PHONY: serve test test-loaded index install system-deps clean fuzz load profile answers eval bench bench-quick bench-indexing bench-hostile bench-hard bench-suggest bench-typos bench-ocr cluster-demo bench-scale bench-million

# Reinstall whenever the project's dependencies change.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

install: $(BIN)/.installed

index: $(BIN)/.installed
	$(BIN)/vnsearch index --source $(SOURCE) --index $(INDEX)

# The incremental build first: a file added to SOURCE is served; about a
# second when nothing changed (README).
serve: $(BIN)/.installed
	$(BIN)/vnsearch index --source $(SOURCE) --index $(INDEX)
	$(BIN)/vnsearch serve --index $(INDEX) --host $(HOST) --port $(PORT)

# Debian packages the suite needs, installed when one is missing (you are root,
# or sudo asks): chromium for the browser test, a font with Vietnamese glyphs
# for the PDF fixtures; Tesseract with its Vietnamese model and poppler for
# scanned PDFs and images; antiword, catdoc and LibreOffice for Word 97-2003 .doc;
# rsync for vnsearch publish to a remote replica (make cluster-demo installs
# nginx or haproxy itself).
DEBIAN_PACKAGES := chromium fonts-dejavu-core \
  tesseract-ocr tesseract-ocr-vie poppler-utils \
  antiword catdoc libreoffice-writer-nogui rsync
system-deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing from Debian:" $$missing; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

test: $(BIN)/.installed system-deps
	$(BIN)/python -m pytest

# The suite again with both cores kept busy by two `yes`, started and stopped
# here: a test that guesses how fast the machine is fails one run or the other.
test-loaded: $(BIN)/.installed system-deps
	@yes >/dev/null & a=$$!; yes >/dev/null & b=$$!; echo "loaded: yes as $$a and $$b"; \
	trap 'kill $$a $$b' INT TERM; $(BIN)/python -m pytest; rc=$$?; kill $$a $$b; wait $$a $$b 2>/dev/null; exit $$rc

# 10,000 hostile queries through the library, /api/search, /search, /api/suggest and /doc;
# then 2,000 hostile source folders built and searched (about an hour).
fuzz: $(BIN)/.installed
	FUZZ_EXAMPLES=10000 $(BIN)/python -m pytest -q -s tests/test_hostile.py -k hostile_queries
	FUZZ_SOURCE_EXAMPLES=2000 $(BIN)/python -m pytest -q -s tests/test_fuzz_sources.py -k fuzzed

# 8 keep-alive clients against `vnsearch serve` on 127.0.0.1, repeated and
# never-repeated queries: one worker without cache vs one per core without and
# with the result cache, measured in turns. BASELINE=REV serves each also with
# the code of git revision REV (22262d8: the server before gunicorn) and
# reports new/baseline; LOAD_SOURCE=bench/data/corpus-100000 (from
# bench/make_corpus.py --paragraphs 100000) loads a bigger index. The indexes
# are kept in bench/data/ and brought up to date on the next run.
#
# SLOW=200: the slow-client mode instead: `vnsearch serve`'s default setup
# while 0 and then SLOW sockets are held open: idle (nothing sent),
# slow-header (a head a byte a second, never finished), slow body (a POST's
# body a byte a second) and noclose (a request asking for a close, and its end
# never closed); each reopened when the server closes it. One ordinary client on fresh connections meanwhile,
# p50/p99 per case. Loopback only, each case 10 s (a request times out at 30 s).
BASELINE ?=
LOAD_SOURCE ?= seeds
SLOW ?=
load: $(BIN)/.installed
	$(BIN)/python bench/load.py --source $(LOAD_SOURCE) --keep bench/data \
	  $(if $(BASELINE),--baseline-rev $(BASELINE)) \
	  $(if $(SLOW),--slow 0$(,)$(SLOW) --seconds 10 --server 0x4,--clients 8 --seconds 10 --rounds 2 --server 1x8:0$(,)0x4:0$(,)0x4)

# Where a distinct /api/search request spends its time (issue 15): cProfile
# over the app in one process, result cache off, on the index `make load`
# built from LOAD_SOURCE (bench/profile_requests.py; CPU ms a request first).
profile: $(BIN)/.installed
	$(BIN)/python bench/profile_requests.py --index bench/data/index-new-$(notdir $(LOAD_SOURCE))

# Whether this code answers every query as revision BASELINE does (hits,
# scores, spans, totals, facets), on the index `make load` built.
answers: $(BIN)/.installed
	$(BIN)/python bench/answers.py --index bench/data/index-new-$(notdir $(LOAD_SOURCE)) \
	  --baseline-rev $(or $(BASELINE),HEAD)

# Time and peak RSS of a build meeting each hostile file of issue 16 (a PDF
# bomb, 5.86M tiny .docx paragraphs, links out, a FIFO...), each build under a
# 4 GB address-space limit and a 180 s timeout; BASELINE=REV runs the same
# cases with revision REV's code first.
bench-hostile: $(BIN)/.installed
	$(if $(BASELINE),$(BIN)/python bench/hostile.py --revision $(BASELINE))
	$(BIN)/python bench/hostile.py

# Ranking quality on UIT-ViQuAD dev (read from ../shared), project vs baselines.
eval: $(BIN)/.installed
	$(BIN)/python bench/relevance.py

# MRR@10 by kind (Telex, VNI, typos, partial accents, numerals, questions,
# documents, i/y) of tests/hard_queries.py over seeds/, vnsearch against plain
# Whoosh and SQLite FTS5 in one run (issue 13). VERBOSE=1: every query's rank.
VERBOSE ?=
bench-hard: $(BIN)/.installed
	$(BIN)/python bench/hard_queries.py $(if $(VERBOSE),--verbose)

# 100,000 generated paragraphs (bench/data/, git-ignored): latency, size, RSS.
bench: $(BIN)/.installed
	$(BIN)/python bench/scale.py

bench-quick: $(BIN)/.installed
	$(BIN)/python bench/scale.py --quick

# One full build of N generated paragraphs (default a million; bench only,
# not CI: ~40-60 min and ~3.3 GB of index here) then the library and HTTP
# latency, size and memory, without the baselines. README "Quy mô / Scale".
N ?= 1000000
bench-million: $(BIN)/.installed
	$(BIN)/python bench/scale.py --paragraphs $(N) --no-baselines --fresh

# Autocomplete (/api/suggest) latency at 100,000 paragraphs, a prefix a key.
bench-suggest: $(BIN)/.installed
	$(BIN)/python bench/suggest.py

# Typed-wrong queries (a letter dropped, swapped, doubled; Telex/VNI keys
# left in) against their clean forms at 100,000 paragraphs: latency ratio and
# how often the first result is the same.
bench-typos: $(BIN)/.installed
	$(BIN)/python bench/typos.py

# Indexing throughput against the pyvi-only limit, and incremental updates.
bench-indexing: $(BIN)/.installed
	$(BIN)/python bench/make_corpus.py --paragraphs 10000
	$(BIN)/python bench/indexing.py --corpus bench/data/corpus-10000

# Two replicas of the seeds' index behind nginx (BALANCER=haproxy: HAProxy)
# on loopback, 8 clients for 20 s while one replica is killed, restarted and
# both get a new generation by `vnsearch publish`; ends with
# "cluster demo: N requests, F failed" (exit 1 if F > 0). docs/deploy.md.
BALANCER ?= nginx
cluster-demo: $(BIN)/.installed
	@$(MAKE) --no-print-directory system-deps DEBIAN_PACKAGES="$(BALANCER) rsync"
	$(BIN)/python bench/cluster_demo.py --balancer $(BALANCER)

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache

# OCR: character error rate and seconds per page on pages drawn from the seeds'
# text at 200 and 300 dpi, clean and dirtied (search/ingest/formats/ocr.py).
bench-ocr: $(BIN)/.installed
	$(BIN)/python bench/ocr_cer.py $(if $(PAGES),--pages $(PAGES))
