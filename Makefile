# The two commands a newcomer needs: `make lab` (run the course) and `make test` (run the tests).
# `make check` is the quick inner loop: lint and the unit tests (no slow, daemon or browser ones).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# pytest-xdist workers, two per core: about half of a full run's test time is waiting (on
# dockerd, kernels, servers), so more workers than cores keep the cores busy (docs/ci.md).
# Tests sharing a resource stay in one worker (xdist_group marks, tests/conftest.py).
# TEST_ARGS adds pytest options.
TEST_WORKERS ?= $(shell echo $$((2 * $$(nproc))))
PYTEST = PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup
UNIT = not slow and not real_engine and not browser

.PHONY: setup lab test check lint format clean

# The run-time dependencies at the versions Binder pins (binder/requirements.txt, which ends
# with the course itself), then the test tools: what CI tests is what Binder runs.
$(STAMP): pyproject.toml binder/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r binder/requirements.txt
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
# when no Docker daemon answers (COURSE_ENGINE=auto). The lab runs in release/ with the
# student configuration (etc/course-lab: terminals with the course's docker and kubectl, no
# nbgrader instructor tools). JupyterLab's root is release/, never the course root: the
# source notebooks (solutions, hidden tests) stay out of the file browser. In the student
# edition (`course publish`), which has no notebooks/, the published release is served as
# it is. LAB_ARGS adds options (--no-browser).
lab: setup
	$(VENV)/bin/course prepare-lab --prefix $(VENV) $(if $(wildcard notebooks),,--no-release)
	cd release && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" \
		JUPYTER_CONFIG_PATH="$(CURDIR)/$(VENV)/etc/course-lab$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
		"$(CURDIR)/$(VENV)/bin/jupyter" lab --ServerApp.root_dir="$(CURDIR)/release" \
		--LabApp.default_url=/lab/tree/01-docker-intro/01-docker-intro.ipynb \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

test: setup lint
	$(PYTEST) $(TEST_ARGS)

check: setup lint
	$(PYTEST) -q -m "$(UNIT)" $(TEST_ARGS)

clean:
	rm -rf $(VENV) release submitted autograded feedback gradebook.db
