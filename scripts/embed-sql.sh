#!/bin/sh
# embed-sql.sh NAME FILE — print FILE as a C string constant named NAME, so
# the schema the binary creates is exactly schemas/case.sql.
set -eu
name=$1
file=$2
printf '/* Generated from %s by scripts/embed-sql.sh: do not edit. */\n' "$(basename "$file")"
printf 'extern const char %s[];\n' "$name"
printf 'const char %s[] =\n' "$name"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$file"
printf ';\n'
