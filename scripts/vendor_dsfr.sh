#!/usr/bin/env bash
# Re-vendor the French State design system (DSFR) files the widget uses into
# api/static/vendor/dsfr/, from the pinned npm release. Nothing is fetched at run time:
# the API serves these copies. See docs/widget.md.
#
#   scripts/vendor_dsfr.sh            # the pinned version below
#   DSFR_VERSION=1.15.3 scripts/vendor_dsfr.sh
#
# Needs npm (registry access) and python3. Copies only: dsfr.min.css, the module and
# nomodule JS, the woff2 fonts (Marianne, Spectral), the SVG icons dsfr.min.css refers to, a
# subset of the utility icon classes (ICONS below, the ones the widget's HTML and JS use)
# with their SVGs, and the licence.
set -euo pipefail

DSFR_VERSION="${DSFR_VERSION:-1.15.3}"
# Utility icon classes the widget uses (fr-icon-<name>); keep in sync with api/static/widget/.
ICONS="map-pin-2-line road-map-line building-line briefcase-line calendar-line question-line
arrow-left-line search-line checkbox-circle-line error-warning-line information-line
close-line"

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="$ROOT/api/static/vendor/dsfr"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

(cd "$WORK" && npm pack --silent "@gouvfr/dsfr@${DSFR_VERSION}" >/dev/null)
tar -xzf "$WORK"/gouvfr-dsfr-*.tgz -C "$WORK"
DIST="$WORK/package/dist"

rm -rf "$TARGET"
mkdir -p "$TARGET/fonts"
cp "$DIST/dsfr.min.css" "$DIST/dsfr.module.min.js" "$DIST/dsfr.nomodule.min.js" "$TARGET/"
cp "$DIST"/fonts/Marianne-*.woff2 "$DIST"/fonts/Spectral-*.woff2 "$TARGET/fonts/"
cp "$WORK/package/LICENSE.md" "$TARGET/LICENSE.md"

python3 - "$DIST" "$TARGET" "$DSFR_VERSION" $ICONS <<'PYTHON'
"""Copy the SVGs dsfr.min.css refers to, and write icons.min.css for the chosen icons."""
import re
import shutil
import sys
from pathlib import Path

dist, target, version, *icons = sys.argv[1:]
dist_path, target_path = Path(dist), Path(target)


def copy_icon(relative: str) -> None:
    destination = target_path / relative
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(dist_path / relative, destination)


core = (dist_path / "dsfr.min.css").read_text(encoding="utf-8")
for relative in sorted(set(re.findall(r"url\((icons/[^)\"']+\.svg)\)", core))):
    copy_icon(relative)

# The utility icons file lists one block per icon, then media-query variants we don't use.
utility = (dist_path / "utility/icons/icons.css").read_text(encoding="utf-8")
top_level = utility.split("\n@media", 1)[0]
blocks = re.findall(r"(\.fr-icon-([a-z0-9-]+)::before,\s*\.fr-icon-\2::after\s*\{[^}]*\})", top_level)
by_name = {name: block for block, name in blocks}
missing = [name for name in icons if name not in by_name]
if missing:
    sys.exit(f"unknown DSFR icons: {missing}")
rules = []
for name in icons:
    block = by_name[name]
    for relative in set(re.findall(r'url\("\.\./\.\./(icons/[^"]+\.svg)"\)', block)):
        copy_icon(relative)
    rules.append(re.sub(r"\s+", " ", block.replace("../../icons/", "icons/")))
header = f"/* DSFR v{version} utility icons used by the widget (subset); Etalab-2.0, see LICENSE.md */"
(target_path / "icons.min.css").write_text(header + "\n" + "\n".join(rules) + "\n", encoding="utf-8")
(target_path / "VERSION").write_text(f"@gouvfr/dsfr {version}\n", encoding="utf-8")
PYTHON

du -sh "$TARGET"
echo "DSFR ${DSFR_VERSION} vendored into ${TARGET#"$ROOT"/}"
