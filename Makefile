# The two commands: `make run` serves the demo, `make test` runs the suite. `make bench` measures.
VENV := .venv
FLASK := $(VENV)/bin/flask --app app
PYTHON ?= python3

.PHONY: run test bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo
	$(FLASK) serve --host 127.0.0.1 --port 5000

test: $(VENV)/.installed-dev
	$(VENV)/bin/pytest

bench: $(VENV)/.installed-dev
	$(VENV)/bin/python -m bench

clean:
	rm -rf $(VENV) instance/*.sqlite3* instance/outbox test-artifacts
