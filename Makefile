# The two commands a newcomer needs: `make lab` (run the course) and `make test` (run the tests).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup lab test lint format clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy grader

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The student release in JupyterLab: shims for terminals, no news prompt; the sandbox engine
# when no Docker daemon answers (COURSE_ENGINE=auto). LAB_ARGS adds options (--no-browser).
# JupyterLab's root is release/, never the course root: the source notebooks (solutions,
# hidden tests) stay out of the file browser. In the student edition (`course publish`),
# which has no notebooks/, the published release is served as it is.
lab: setup
	$(VENV)/bin/course prepare-lab --prefix $(VENV) $(if $(wildcard notebooks),,--no-release)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/jupyter lab --ServerApp.root_dir=release \
		--LabApp.default_url=/lab/tree/01-docker-intro/01-docker-intro.ipynb \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

test: setup lint
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m pytest

clean:
	rm -rf $(VENV) release submitted autograded feedback gradebook.db
