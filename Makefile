# Two commands for a fresh machine: `make run` (install, then start the local stack) and
# `make test` (install, then every check). Everything they need is installed from here.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.txt | md5sum | cut -c1-12)
TYPED := layers/common/python/shop layers/common/python/shop_aws layers/common/python/use_cases functions
# The local shop's ports: make run PORT=3100 AWS_PORT=4699 (make demo likewise); a PORT in the
# environment is ignored on purpose, as many tools set one for their own use.
PORT = 3000
AWS_PORT = 4599

.PHONY: help venv browser translator test lint typecheck template security pytest run demo bench lock clean

help:
	@echo "make test   install what is missing, then lint, type-check, validate template.yaml, run every test"
	@echo "make run    install what is missing, then start the local stack on http://127.0.0.1:3000"
	@echo "            (other ports: make run PORT=3100 AWS_PORT=4699)"
	@echo "make demo   a narrated walk through the guide's flow against the local stack (PORT, AWS_PORT too)"
	@echo "make bench  measure cold starts, AWS calls, overhead, fan-out, expiry and sizes into docs/performance.md"

$(STAMP): requirements/dev.txt
	@PYTHON313="$$(tools/find-python313)" || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null; then \
		rm -rf $(VENV) && "$$PYTHON313" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv
	$(VENV)/bin/mypy $(TYPED)

template: venv
	$(VENV)/bin/cfn-lint template.yaml

# checkov pins an old boto3, so it lives in its own virtual environment.
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(shell cat requirements/checkov.txt | md5sum | cut -c1-12)

$(CHECKOV_STAMP): requirements/checkov.txt
	@PYTHON313="$$(tools/find-python313)" || exit 1; \
	if [ ! -x $(CHECKOV_VENV)/bin/python ]; then "$$PYTHON313" -m venv $(CHECKOV_VENV); fi
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/checkov.txt
	rm -f $(CHECKOV_VENV)/.installed-* && touch $@

security: $(CHECKOV_STAMP)
	$(CHECKOV_VENV)/bin/checkov --file template.yaml --framework cloudformation --compact --quiet --skip-download

# The SAM translator (what `sam` itself runs) pins its own pydantic, so it lives in its own virtual environment;
# tests/test_operations.py hands it template.yaml and checks the CloudFormation it writes, offline.
TRANSLATOR_VENV := .venv-sam-translator
TRANSLATOR_STAMP := $(TRANSLATOR_VENV)/.installed-$(shell cat requirements/sam-translator.txt | md5sum | cut -c1-12)

$(TRANSLATOR_STAMP): requirements/sam-translator.txt
	@PYTHON313="$$(tools/find-python313)" || exit 1; \
	if [ ! -x $(TRANSLATOR_VENV)/bin/python ]; then "$$PYTHON313" -m venv $(TRANSLATOR_VENV); fi
	$(TRANSLATOR_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/sam-translator.txt
	rm -f $(TRANSLATOR_VENV)/.installed-* && touch $@

translator: $(TRANSLATOR_STAMP)

# Headless Chromium (Debian's package) for the page checks of the end-to-end tests.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser checks..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

pytest: venv browser translator
	$(VENV)/bin/pytest

# Installs side by side, then the static checks side by side (each job's output printed whole when it ends),
# then pytest on its own, its progress shown as it goes (a CI watching for silence sees it). Any failure stops it.
test:
	@$(MAKE) --no-print-directory --jobs=4 --output-sync=target venv browser translator $(CHECKOV_STAMP)
	@$(MAKE) --no-print-directory --jobs=4 --output-sync=target lint typecheck template security
	@$(MAKE) --no-print-directory pytest

run: venv
	$(PY) -m local start --port $(PORT) --aws-port $(AWS_PORT)

demo: venv
	$(PY) -m local demo --port $(PORT) --aws-port $(AWS_PORT)

# aws-sam-cli pins its own boto3: it gets its own environment, made for `make bench` only. Without it (no
# network, say) the bench measures the layer with its own recipe instead, and says so.
SAM_VENV := .venv-sam
SAM_CLI := aws-sam-cli==1.170.0
SAM_STAMP := $(SAM_VENV)/.installed-$(SAM_CLI)

$(SAM_STAMP):
	@PYTHON313="$$(tools/find-python313)" || exit 1; \
	{ rm -rf $(SAM_VENV) && "$$PYTHON313" -m venv $(SAM_VENV) && \
	  $(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check $(SAM_CLI) && touch $@; } || \
	echo "$(SAM_CLI) could not be installed: make bench will build the layer with its own recipe"

# Measurements, not tests: `make test` never depends on the machine's speed. Python 3.13 goes on the PATH
# for sam build (no Docker) and the layer's recipe.
bench: venv $(SAM_STAMP)
	PATH="$$(dirname "$$(tools/find-python313)"):$$PATH" $(PY) -m bench

lock:
	@PYTHON313="$$(tools/find-python313)" || exit 1; rm -rf /tmp/preorder-shop-lock && \
	"$$PYTHON313" -m venv /tmp/preorder-shop-lock && \
	/tmp/preorder-shop-lock/bin/pip install --quiet -r requirements/dev.in && \
	( echo "# Lock of requirements/dev.in for Python 3.13 (pip freeze). Regenerate with: make lock"; \
	  /tmp/preorder-shop-lock/bin/pip freeze ) > requirements/dev.txt

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) $(SAM_VENV) $(TRANSLATOR_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache
