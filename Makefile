# Hall terminal suite. `make run` = set up + demo; `make test` = set up + every test.
# Both install what they need on a fresh Debian machine as root, and are quick when set up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python

# Debian packages: build (pyscard from source), rigs (pcscd+vpcd, socat), Qt's xcb/offscreen
# libraries, CJK, Tibetan (fonts-tibetan-machine) and Arabic-script Uyghur (fonts-noto-core) fonts,
# zbar, espeak-ng, Xvfb for the demo without a screen, chromium for browser tests (Playwright drives
# Debian's chromium; it never downloads a browser).
APT_PACKAGES := python3 python3-venv python3-dev gcc make \
	pcscd libpcsclite-dev swig pcsc-tools vsmartcard-vpcd socat libzbar0 \
	fonts-noto-cjk fonts-noto-core fonts-tibetan-machine fontconfig \
	libegl1 libgl1 libglib2.0-0 libxkbcommon0 libxkbcommon-x11-0 \
	libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 \
	libxcb-render-util0 libxcb-image0 libxcb-xinerama0 xvfb xauth xdotool espeak-ng sox chromium \
	x11-xserver-utils systemd logrotate

PYTEST_ARGS ?=

.PHONY: run test setup system venv lint screenshots clean

run: setup
	@mkdir -p var
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ] && [ "$$QT_QPA_PLATFORM" != "offscreen" ]; then \
	  echo "No display found: running the demo on a virtual X screen (Xvfb)."; \
	  echo "To see it on a real screen run from a desktop session, or: DISPLAY=:0 make run"; \
	  exec xvfb-run -a -s "-screen 0 1920x1080x24" $(VPY) main.py demo; \
	else exec $(VPY) main.py demo; fi

test: setup
	$(VPY) -m pytest $(PYTEST_ARGS)

setup: system venv

# --- system packages: install as root, or say exactly what is missing ---------------------------
system: .stamp-system
.stamp-system: Makefile
	@missing=$$(for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "Missing Debian packages (run as root, or install them first):"; \
	    echo "  apt-get install -y --no-install-recommends" $$missing; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update && apt-get install -y --no-install-recommends $$missing || exit 1; \
	fi
	@touch $@

# --- virtualenv with the project installed (re-done when pyproject.toml changes) ---------------
venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -e '.[dev]'
	@touch $@

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache

screenshots: setup
	QT_QPA_PLATFORM=offscreen $(VPY) -m kiosk.screenshots

clean:
	rm -rf $(VENV) .stamp-system var build *.egg-info
