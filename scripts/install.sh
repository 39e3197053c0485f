#!/bin/sh
# Install one level of Python dependencies into the virtualenv, quietly.
#
#   scripts/install.sh VENV LEVEL      LEVEL: build < editor < server < dev (each adds to the last)
#
# `make build` needs only `build` (Pelican and friends); `make preview`/`import-ghost` add the
# editor tools; `make serve`/`publish` the servers; `make venv`/`test`/`bench` install `dev`
# (everything). A level is skipped while its stamp, or a larger level's, is newer than
# pyproject.toml. pip's output goes to VENV/install.log and is shown only when it fails.
set -eu
venv=$1
level=$2
python=${PYTHON:-python3}
case $level in
  build)  extras='';               covers='build editor server dev' ;;
  editor) extras='[editor]';       covers='editor server dev' ;;
  server) extras='[editor,server]'; covers='server dev' ;;
  dev)    extras='[dev]';          covers='dev' ;;
  *) echo "install.sh: unknown level $level" >&2; exit 2 ;;
esac
for have in $covers; do
  if [ "$venv/.installed-$have" -nt pyproject.toml ]; then exit 0; fi
done
log=$venv/install.log
if [ ! -x "$venv/bin/python" ]; then
  echo "Creating $venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip >"$log" 2>&1 || true
fi
echo "Installing the $level dependencies into $venv (log: $log)"
if ! "$venv/bin/python" -m pip install --disable-pip-version-check -e ".$extras" >"$log" 2>&1; then
  tail -n 25 "$log" >&2
  echo "install failed: the full log is $log" >&2
  exit 1
fi
touch "$venv/.installed-$level"
