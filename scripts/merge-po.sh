#!/usr/bin/env bash
# git merge driver for gettext catalogs: the union of both sides' entries (ours first).
# Enable once per clone:  git config merge.po.driver 'scripts/merge-po.sh %O %A %B'
# (.gitattributes routes *.po here). Then `make extract-messages` refreshes the file.
set -euo pipefail
base=$1 ours=$2 theirs=$3
msgcat --use-first --no-wrap --no-location -o "$ours.merged" "$ours" "$theirs"
mv "$ours.merged" "$ours"
