# make run: set up and start the app. make test: set up and run every test headless.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

# llama-cpp-python compiles llama.cpp. A portable AVX2 build instead of -march=native:
# native builds enable ggml's AMX kernels, which crash on some Xeon hosts (seen here).
ifeq ($(shell uname -m),x86_64)
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
endif

VERSION := $(shell $(PYTHON) -c "import re;print(re.search(r'^version = \"(.+)\"', open('pyproject.toml').read(), re.M).group(1))")

.PHONY: run test bench lint self-test package package-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed-app
	$(BIN)/pip install --disable-pip-version-check -e '.[test,package]'
	touch $@

run: $(VENV)/.installed-app
	$(BIN)/python -m writer_desktop

self-test: $(VENV)/.installed-app
	$(BIN)/python -m writer_desktop --self-test

test: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest --cov --cov-report=term $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.run

lint: $(VENV)/.installed-test
	$(BIN)/ruff check writer_desktop tests benchmarks
	$(BIN)/ruff format --check writer_desktop tests benchmarks

# The frozen Linux app (dist/Writer Assistant/), a portable tarball and a .deb.
package: $(VENV)/.installed-test
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/writer_assistant.spec
	packaging/linux/build.sh $(VERSION)

# Only the packaging test (make test runs it too).
package-test: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m package $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build dist .pytest_cache .coverage
