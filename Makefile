# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install install-test translations messages index check bench bench-deps system-test-deps clean

run: install translations index
	$(BIN)/portal db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

test: install-test translations system-test-deps
	$(BIN)/pytest

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Catalogues are committed as .po; the .mo files the app reads are built here. A kind
# may carry its own catalogue (portal/kinds/<name>/translations), merged at run time.
KIND_CATALOGUES := $(wildcard portal/kinds/*/translations)
OWN_KINDS := $(patsubst portal/kinds/%/translations,%,$(KIND_CATALOGUES))
EXTRACT := $(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k lazy_gettext -k _l
# Within a kind package, paths are relative to the package: its own mapping.

translations: install
	@for dir in translations $(KIND_CATALOGUES); do \
		$(BIN)/pybabel compile --use-fuzzy -d $$dir 2>&1 | grep -v '^compiling' || true; done
	@test -n "$$(find translations -name '*.mo')" || { echo "no catalogues compiled"; exit 1; }

# After changing UI strings: extract them and merge into every catalogue, the site's
# (without the kinds that carry their own) and each kind's.
messages: install
	$(EXTRACT) --ignore-dirs '.* ._ $(OWN_KINDS)' -o translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i translations/messages.pot -d translations
	@for kind in $(OWN_KINDS); do dir=portal/kinds/$$kind/translations; \
		$(subst babel.cfg,babel-kind.cfg,$(EXTRACT)) -o $$dir/messages.pot portal/kinds/$$kind \
		&& $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i $$dir/messages.pot -d $$dir; done

index: install translations
	@if $(BIN)/portal --help | grep -q ' index '; then $(BIN)/portal index; fi

check: install
	$(BIN)/portal check

# Chromium for the browser tests comes from Debian, with a small font that has Chinese
# glyphs (else the zh screenshots show boxes, and the handbook PDF has no Chinese font to
# embed); pango, which WeasyPrint lays the handbook out with; nginx and openssl for the test that
# deploy/nginx.conf is accepted; rsync for the content-copy tests; PostgreSQL, which the write-side tests start on a
# temporary directory of their own. Installed when we are root; RUNLEVEL=1 keeps the
# packages from starting a system nginx or PostgreSQL.
system-test-deps:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] \
		&& [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] \
		&& ls /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1 \
		&& [ -x /usr/sbin/nginx ] && command -v openssl >/dev/null && command -v rsync >/dev/null \
		&& ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei libpango-1.0-0 libpangoft2-1.0-0 openssl postgresql rsync >/dev/null \
		&& { [ -x /usr/sbin/nginx ] || RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null \
		|| RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }; \
	else echo "warning: chromium, chromium-driver, fonts-wqy-microhei, libpango-1.0-0, libpangoft2-1.0-0, nginx, openssl, postgresql or rsync is not installed; run as root or install them"; fi

bench: install-test translations bench-deps
	$(BIN)/python -m bench

# nginx and wrk for the page benchmarks, hugo for the goals' baseline and rsync for the
# two-machine benchmark's content copies come from Debian; installed when we are root.
# RUNLEVEL=1 keeps the package from starting a system nginx on port 80: the bench
# starts its own on 127.0.0.1 and stops it.
bench-deps:
	@if [ -x /usr/sbin/nginx ] && command -v wrk >/dev/null && command -v hugo >/dev/null \
		&& command -v rsync >/dev/null \
		&& ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && { RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk hugo rsync postgresql >/dev/null \
		|| RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk hugo rsync postgresql >/dev/null; }; \
	else echo "warning: nginx, wrk, hugo, rsync and postgresql are not installed; run as root or install them"; fi

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
