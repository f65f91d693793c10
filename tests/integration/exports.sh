#!/bin/bash
# exports.sh — `exhibit export` in every format, checked against the case
# and against the real tools: hashdeep audits the extracted files, xmllint
# parses the DFXML and its MD5s and byte runs agree with v_files,
# data_runs and the real fiwalk; CSV, VICS and CASE/UCO parse and hold the
# case's rows and hashes; names from a hostile file system come out safe;
# a failed export leaves nothing; evidence and earlier outputs are never
# written.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

for tool in hashdeep xmllint python3 sqlite3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool is missing (Debian packages: hashdeep libxml2-utils python3 sqlite3)"
		exit 77
	fi
done
export PATH=$PATH:/usr/sbin:/sbin

images="$WORK/images"
if ! bash "$EXHIBIT_SOURCE_DIR/examples/build-training-image.sh" "$images" > "$WORK/build.log" 2>&1; then
	echo "SKIP: the training image cannot be built here: $(tail -1 "$WORK/build.log")"
	exit 77
fi
training="$WORK/case"
process "$training" "$images/training.raw"
check "the training image is processed" 0 "$STATUS"
out="$WORK/out"
mkdir -p "$out"

# export CASE FORMAT OUTPUT [OPTION...] — sets STATUS, keeps stdout/stderr.
export_case() {
	c=$1 f=$2 o=$3
	shift 3
	STATUS=0
	"$EXHIBIT" export "$c" --format "$f" --output "$o" "$@" >"$WORK/export.out" 2>"$WORK/export.err" || STATUS=$?
}

# ------------------------------------------------------------- DFXML
export_case "$training" dfxml "$out/case.dfxml"
check "dfxml: exported" 0 "$STATUS"
check_cmd "dfxml: parses with xmllint" xmllint --noout "$out/case.dfxml"
check "dfxml: the printed SHA-256 is the file's" "$out/case.dfxml: OK" "$(tail -1 "$WORK/export.out" | sha256sum -c 2>&1)"
q "$training" "SELECT id, coalesce(md5, '') FROM v_files ORDER BY id" > "$WORK/case-md5"
q "$training" "SELECT file_id, file_offset, coalesce(image_offset, ''), length FROM data_runs ORDER BY file_id, seq" > "$WORK/case-runs"
cat > "$WORK/dfxml.py" <<'EOF'
import sys, xml.etree.ElementTree as ET
NS = '{http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML}'
def fileobjects(path):
    for fo in ET.parse(path).getroot().iter(NS + 'fileobject'):
        yield fo
def md5s(path, out):
    with open(out, 'w') as f:
        for fo in fileobjects(path):
            md5 = [h.text for h in fo.findall(NS + 'hashdigest') if h.get('type') == 'md5']
            f.write('%s|%s\n' % (fo.findtext(NS + 'id'), md5[0] if md5 else ''))
def runs(path, out):
    with open(out, 'w') as f:
        for fo in fileobjects(path):
            for r in fo.iter(NS + 'byte_run'):
                f.write('%s|%s|%s|%s\n' % (fo.findtext(NS + 'id'), r.get('file_offset'), r.get('img_offset') or '', r.get('len')))
def by_name(path):
    # (volume offset, filename) -> (md5, runs); fiwalk's byte runs of the data facet
    found = {}
    for vol in ET.parse(path).getroot().iter(NS + 'volume'):
        for fo in vol.iter(NS + 'fileobject'):
            md5 = [h.text for h in fo.findall(NS + 'hashdigest') if h.get('type') == 'md5']
            rs = [(r.get('file_offset'), r.get('img_offset'), r.get('len'))
                  for brs in fo.findall(NS + 'byte_runs') if brs.get('facet') in (None, 'data')
                  for r in brs.findall(NS + 'byte_run')]
            found[(vol.get('offset'), fo.findtext(NS + 'filename'))] = (md5[0] if md5 else None, rs)
    return found
def against_fiwalk(ours_path, theirs_path):
    ours, theirs = by_name(ours_path), by_name(theirs_path)
    problems = []
    for key in sorted(set(theirs) - set(ours)):
        if key[1].split('/')[-1] not in ('.', '..'):
            problems.append('only fiwalk has %s' % (key,))
    for key in sorted(set(ours) - set(theirs)):
        problems.append('only exhibit has %s' % (key,))
    same = 0
    for key in sorted(set(ours) & set(theirs)):
        (m1, r1), (m2, r2) = ours[key], theirs[key]
        if m2 is not None and m1 != m2:
            problems.append('%s: md5 %s, fiwalk %s' % (key, m1, m2))
        elif r1 != r2:
            problems.append('%s: byte runs %s, fiwalk %s' % (key, r1, r2))
        else:
            same += 1
    print('%d file objects agree with fiwalk' % same, file=sys.stderr)
    print('\n'.join(problems[:10]))
{'md5s': md5s, 'runs': runs}.get(sys.argv[1], lambda *a: against_fiwalk(*a))(*sys.argv[2:])
EOF
python3 "$WORK/dfxml.py" md5s "$out/case.dfxml" "$WORK/dfxml-md5"
check "dfxml: every file object's MD5 agrees with v_files" "$(md5sum < "$WORK/case-md5")" "$(md5sum < "$WORK/dfxml-md5")"
check "dfxml: as many file objects as v_files rows" "$(wc -l < "$WORK/case-md5")" "$(wc -l < "$WORK/dfxml-md5")"
python3 "$WORK/dfxml.py" runs "$out/case.dfxml" "$WORK/dfxml-runs"
check "dfxml: byte runs agree with data_runs" "$(md5sum < "$WORK/case-runs")" "$(sort -t'|' -k1,1n -s "$WORK/dfxml-runs" | md5sum)"
check "dfxml: there are byte runs to compare" 1 "$(awk 'END { print (NR > 40) }' "$WORK/dfxml-runs")"
if command -v fiwalk >/dev/null 2>&1; then
	fiwalk -X "$WORK/fiwalk.xml" "$images/training.raw" >/dev/null 2>&1
	check "dfxml: MD5s and byte runs agree with the real fiwalk" "" \
		"$(python3 "$WORK/dfxml.py" fiwalk "$out/case.dfxml" "$WORK/fiwalk.xml" 2>"$WORK/fiwalk.log")"
	cat "$WORK/fiwalk.log"
else
	echo "NOTE: fiwalk (Debian package sleuthkit) is absent: not compared with it"
fi

# The Sleuth Kit's own test image with the DFXML fiwalk wrote for it.
if [ -f "$CORPUS/sleuthkit/image.dd" ] && [ -f "$CORPUS/sleuthkit/image_dd.xml" ]; then
	process "$WORK/tskcase" "$CORPUS/sleuthkit/image.dd"
	export_case "$WORK/tskcase" dfxml "$out/image_dd.dfxml"
	check "dfxml: image.dd's MD5s and byte runs agree with the DFXML fiwalk wrote for it (corpus)" "" \
		"$(python3 "$WORK/dfxml.py" fiwalk "$out/image_dd.dfxml" "$CORPUS/sleuthkit/image_dd.xml" 2>"$WORK/fiwalk.log")"
	cat "$WORK/fiwalk.log"
else
	echo "NOTE: the corpus is not at $CORPUS: image.dd's DFXML is not compared"
fi

# ------------------------------------------------------------- files + hashdeep
export_case "$training" files "$out/files"
check "files: exported" 0 "$STATUS"
regular=$(q "$training" "SELECT count(*) FROM files WHERE type = 'r' AND content_id IS NOT NULL")
check "files: one file per regular file with content" "$regular" "$(find "$out/files" -type f ! -name exhibit-manifest.csv | wc -l)"
check "files: the manifest lists each one" "$((regular + 1))" "$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))))' "$out/files/exhibit-manifest.csv")"
check "files: the printed SHA-256 is the manifest's" "$out/files/exhibit-manifest.csv: OK" "$(tail -1 "$WORK/export.out" | sha256sum -c 2>&1)"
check "files: deleted entries are marked" 1 "$(find "$out/files" -name '*(deleted)*' | grep -c 'IMG_20240309_181200 (deleted).jpg')"
export_case "$training" hashdeep "$out/files.hashdeep" --files-root "$out/files"
check "hashdeep: exported" 0 "$STATUS"
check "hashdeep: header" "%%%% HASHDEEP-1.0|%%%% size,md5,sha256,filename" "$(head -2 "$out/files.hashdeep" | paste -sd'|')"
check "hashdeep: one row per extracted file and the manifest" "$((regular + 1))" "$(grep -vc '^[%#]' "$out/files.hashdeep")"
check "hashdeep: the real hashdeep audit of the extracted files passes" "hashdeep: Audit passed" \
	"$(hashdeep -a -k "$out/files.hashdeep" -r "$out/files" 2>&1)"
# hashdeep shows what it is given made absolute lexically: through a
# symbolic link, and from a relative path with "./" and a trailing slash.
ln -s "$out" "$WORK/outlink"
export_case "$training" hashdeep "$out/linked.hashdeep" --files-root "$WORK/outlink/files"
check "hashdeep: the audit passes through a symbolic link" "hashdeep: Audit passed" \
	"$(hashdeep -a -k "$out/linked.hashdeep" -r "$WORK/outlink/files" 2>&1)"
STATUS=0
(cd "$WORK" && "$EXHIBIT" export "$training" --format hashdeep --output out/rel.hashdeep --files-root ./out//files/ >/dev/null) || STATUS=$?
check "hashdeep: the audit passes from a relative --files-root" "0|hashdeep: Audit passed" \
	"$STATUS|$(cd "$WORK" && hashdeep -a -k out/rel.hashdeep -r ./out/files 2>&1)"
export_case "$training" hashdeep "$out/relative.hashdeep"
check "hashdeep: relative names audit inside the export" "hashdeep: Audit passed" \
	"$(cd "$out/files" && hashdeep -a -l -k "$out/relative.hashdeep" -r . 2>&1)"
# The audit is a real check: one changed byte fails it.
cp -a "$out/files" "$out/files-changed"
victim=$(find "$out/files-changed" -name 'notes.txt')
printf 'x' >> "$victim"
export_case "$training" hashdeep "$out/changed.hashdeep" --files-root "$out/files-changed"
check "hashdeep: a changed extracted file fails the audit" "hashdeep: Audit failed" \
	"$(hashdeep -a -k "$out/changed.hashdeep" -r "$out/files-changed" 2>&1)"

# ------------------------------------------------------------- CSV
export_case "$training" csv "$out/v_files.csv"
check "csv: v_files exported" 0 "$STATUS"
cat > "$WORK/csvcount.py" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
assert all(len(r) == len(rows[0]) for r in rows), 'ragged rows'
print(len(rows) - 1)
EOF
check "csv: as many rows as v_files" "$(q "$training" "SELECT count(*) FROM v_files")" "$(python3 "$WORK/csvcount.py" "$out/v_files.csv")"
check "csv: CRLF line ends (RFC 4180)" "$(($(q "$training" "SELECT count(*) FROM v_files") + 1))" "$(grep -c $'\r$' "$out/v_files.csv")"
export_case "$training" csv "$out/runs.csv" --view data_runs
check "csv: a table too (data_runs), rows equal" "$(q "$training" "SELECT count(*) FROM data_runs")" "$(python3 "$WORK/csvcount.py" "$out/runs.csv")"
export_case "$training" csv "$out/bad.csv" --view 'v_files; DROP TABLE files'
check "csv: a name that is not a view or table of the case is refused" "2|absent" "$STATUS|$([ -e "$out/bad.csv" ] && echo present || echo absent)"
export_case "$training" csv "$out/master.csv" --view sqlite_master
check "csv: SQLite's own tables are refused" 2 "$STATUS"

# ------------------------------------------------------------- VICS
# A categorised hash set hit, as hash-set matching records it.
cp -a "$training" "$WORK/case-vics"
sqlite3 "$WORK/case-vics/case.db" "
INSERT INTO hash_sets(id, name, kind, category_scheme, source, imported, entries, set_digest)
  VALUES (1, 'test set', 'categorised', 'project-vic-us', 'exports.sh', '2024-01-01T00:00:00Z', 2, x'00');
INSERT INTO hash_hits(content_id, set_id, algorithm, category)
  SELECT content_id, 1, 'md5', '1' FROM files WHERE path = '/home/anna/Pictures/🎉 Party/group photo.jpg';
INSERT INTO hash_hits(content_id, set_id, algorithm, category)
  SELECT content_id, 1, 'sha1', '2' FROM files WHERE path = '/Videos/warmup.webm';"
export_case "$WORK/case-vics" vics "$out/case.vics"
check "vics: exported" 0 "$STATUS"
cat > "$WORK/vics.py" <<'EOF'
# What a VICS 2.0 importer reads: the media's hashes, size and category.
import json, sys
doc = json.load(open(sys.argv[1], encoding='utf-8'))
assert doc['@odata.context'].startswith('http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/')
media = doc['value'][0]['Media']
assert [m['MediaID'] for m in media] == list(range(1, len(media) + 1))
for m in media:
    assert isinstance(m['MediaSize'], int) and ('Category' not in m or isinstance(m['Category'], int))
    sha256 = [a['HashValue'] for a in m['AlternativeHashes'] if a['HashName'] == 'SHA256']
    print('%s|%s|%s|%d|%s|%d' % (m['MD5'].lower(), m['SHA1'].lower(), sha256[0].lower(),
                                 m['MediaSize'], m.get('Category', ''), len(m['MediaFiles'])))
print(doc['@odata.context'].split('/')[-2], file=sys.stderr)
EOF
python3 "$WORK/vics.py" "$out/case.vics" 2>"$WORK/vics.scheme" | sort > "$WORK/vics-media"
q "$WORK/case-vics" "SELECT lower(hex(c.md5)), lower(hex(c.sha1)), lower(hex(c.sha256)), c.size,
       coalesce((SELECT h.category FROM hash_hits h WHERE h.content_id = c.id), ''),
       (SELECT count(*) FROM files f WHERE f.content_id = c.id AND f.type = 'r')
       FROM content c WHERE EXISTS (SELECT 1 FROM files f WHERE f.content_id = c.id AND f.type = 'r')" | sort > "$WORK/case-media"
check "vics: media, hashes, sizes, categories and places equal the case's (read back as an importer does)" \
	"$(md5sum < "$WORK/case-media")" "$(md5sum < "$WORK/vics-media")"
check "vics: one media per unique content" "$(wc -l < "$WORK/case-media")" "$(wc -l < "$WORK/vics-media")"
check "vics: two categorised media" 2 "$(grep -c '|[12]|[0-9]*$' "$WORK/vics-media")"
check "vics: the data model names the scheme" "US" "$(cat "$WORK/vics.scheme")"
export_case "$WORK/case-vics" vics "$out/media.vics" --media-only
check "vics: --media-only keeps images and videos" \
	"$(q "$training" "SELECT count(*) FROM content c WHERE (c.mime_type LIKE 'image/%' OR c.mime_type LIKE 'video/%') AND EXISTS (SELECT 1 FROM files f WHERE f.content_id = c.id AND f.type = 'r')")" \
	"$(python3 "$WORK/vics.py" "$out/media.vics" 2>/dev/null | wc -l)"
sqlite3 "$WORK/case-vics/case.db" "UPDATE hash_hits SET category = 'CAT A' WHERE algorithm = 'sha1'"
export_case "$WORK/case-vics" vics "$out/word.vics"
check "vics: a category that is not a number is a warning (exit 1), not a guess" "1|1" \
	"$STATUS|$(grep -c 'not a VICS category number' "$WORK/export.err")"

# ------------------------------------------------------------- CASE/UCO
export_case "$training" case-uco "$out/case.jsonld"
check "case-uco: exported" 0 "$STATUS"
cat > "$WORK/uco.py" <<'EOF'
import json, sys
graph = json.load(open(sys.argv[1], encoding='utf-8'))['@graph']
ids = [o['@id'] for o in graph]
assert len(ids) == len(set(ids)), 'duplicate @id'
kinds = {}
for o in graph:
    kinds[o['@type']] = kinds.get(o['@type'], 0) + 1
if sys.argv[2] == 'hashes':
    for o in graph:
        if o['@type'] != 'uco-observable:File':
            continue
        fac = {f['@type']: f for f in o['uco-core:hasFacet']}
        h = {x['uco-types:hashMethod']['@value']: x['uco-types:hashValue']['@value']
             for x in fac.get('uco-observable:ContentDataFacet', {}).get('uco-observable:hash', [])}
        print('%s|%s|%s' % (fac['uco-observable:FileFacet']['uco-observable:filePath'], h.get('MD5', ''), h.get('SHA256', '')))
else:
    print(kinds.get(sys.argv[2], 0))
EOF
check "case-uco: one File per regular file" "$(q "$training" "SELECT count(*) FROM files WHERE type = 'r'")" \
	"$(python3 "$WORK/uco.py" "$out/case.jsonld" uco-observable:File)"
check "case-uco: the evidence is an Image" 1 "$(python3 "$WORK/uco.py" "$out/case.jsonld" uco-observable:Image)"
python3 "$WORK/uco.py" "$out/case.jsonld" hashes | sort > "$WORK/uco-hashes"
q "$training" "SELECT path, coalesce(md5, ''), coalesce(sha256, '') FROM v_files WHERE type = 'r'" | sort > "$WORK/case-hashes"
check "case-uco: file hashes equal the case's" "$(md5sum < "$WORK/case-hashes")" "$(md5sum < "$WORK/uco-hashes")"
entries_before=$(q "$training" "SELECT count(*) FROM custody_entries")
export_case "$training" case-uco "$out/custody.jsonld"
check "case-uco: one investigative action per custody entry before it, with performer and instrument" \
	"$entries_before|1|$entries_before" \
	"$(python3 - "$out/custody.jsonld" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))['@graph']
acts = [o for o in g if o['@type'] == 'case-investigation:InvestigativeAction']
ids = {o['@id']: o['@type'] for o in g}
people = [o for o in g if o['@type'] == 'uco-identity:Identity']
ok = sum(1 for a in acts if ids[a['uco-action:performer']['@id']] == 'uco-identity:Identity'
         and ids[a['uco-action:instrument']['@id']] == 'uco-tool:Tool')
print('%d|%d|%d' % (len(acts), len(people), ok))
EOF
)"
check "every export is a custody entry with the SHA-256 of what it wrote" \
	"$(sha256sum < "$out/custody.jsonld" | cut -d' ' -f1)" \
	"$(q "$training" "SELECT lower(hex(output_sha256)) FROM custody_entries WHERE action = 'export' ORDER BY seq DESC LIMIT 1")"
st=0; "$EXHIBIT" verify "$training" > "$WORK/verify.out" 2>&1 || st=$?
check "the case verifies after its exports" 0 "$st"

# ------------------------------------------------------------- VICS round trip
# Reviewers' categories go out in a VICS export, which re-imports as a hash
# set with the same hashes and categories.
img1=$(q "$training" "SELECT min(id) FROM v_files WHERE type = 'r' AND mime_type LIKE 'image/%'")
img2=$(q "$training" "SELECT max(id) FROM v_files WHERE type = 'r' AND mime_type LIKE 'image/%'")
"$EXHIBIT" categorize "$training" "$img1" 1 2>/dev/null && "$EXHIBIT" categorize "$training" "$img2" 2 2>/dev/null
check "two images categorised by a reviewer" 0 $?
export_case "$training" vics "$out/roundtrip.json"
check "vics: exported with the reviewers' categories" 0 "$STATUS"
"$EXHIBIT" hashset import "$out/roundtrip.json" --name roundtrip --kind categorised \
	--hashdb "$WORK/rt-db" -q > "$WORK/rt-import.out" 2>&1
check "vics: the export imports as a categorised hash set" 0 $?
"$EXHIBIT" hashset match "$training" --hashdb "$WORK/rt-db" > /dev/null 2>&1
check "vics: the set matches the case it came from" 0 $?
python3 - "$out/roundtrip.json" > "$WORK/rt-exported" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1], encoding='utf-8-sig'))
for m in (m for c in doc['value'] for m in c['Media']):
    for alg, key in (('md5', 'MD5'), ('sha1', 'SHA1')):
        print('%s|%s|%s' % (alg, m[key].lower(), m.get('Category', '')))
EOF
sort -o "$WORK/rt-exported" "$WORK/rt-exported"
q "$training" "SELECT DISTINCT algorithm, digest, coalesce(category, '') FROM v_hash_hits WHERE set_name = 'roundtrip' AND algorithm IN ('md5', 'sha1')" | tr -d '\r' | sort > "$WORK/rt-matched"
check "vics: every exported MD5 and SHA-1 comes back with its category" \
	"$(md5sum < "$WORK/rt-exported")" "$(md5sum < "$WORK/rt-matched")"
check "vics: the reviewers' categories survive the round trip" "1
2" "$(q "$training" "SELECT DISTINCT category FROM v_hash_hits WHERE set_name = 'roundtrip' AND category IS NOT NULL ORDER BY 1")"

# ------------------------------------------------------------- refusals and failures
before=$(sha256sum < "$out/case.dfxml")
export_case "$training" dfxml "$out/case.dfxml"
check "an existing output is refused (exit 2) and left as it was" "2|$before" "$STATUS|$(sha256sum < "$out/case.dfxml")"
export_case "$training" files "$out/files"
check "an existing export directory is refused" 2 "$STATUS"
mkdir -p "$WORK/evdir/sub" && printf 'evidence\n' > "$WORK/evdir/sub/a.txt"
process "$WORK/dircase" "$WORK/evdir"
export_case "$WORK/dircase" csv "$WORK/evdir/sub/out.csv"
check "an output inside the evidence is refused" "2|absent" "$STATUS|$([ -e "$WORK/evdir/sub/out.csv" ] && echo present || echo absent)"
export_case "$WORK/dircase" files "$WORK/evfiles"
check "directory evidence: files exported" 0 "$STATUS"
check "directory evidence: content verified" "evidence" "$(cat "$WORK/evfiles/evidence-1/logical/sub/a.txt")"
mkdir -p "$WORK/small"
STATUS=0
(ulimit -f 48; "$EXHIBIT" export "$training" --format dfxml --output "$WORK/small/big.dfxml") >/dev/null 2>"$WORK/export.err" || STATUS=$?
check "a write that fails half-way leaves nothing, not even a temporary file" "3|0" "$STATUS|$(ls -A "$WORK/small" | wc -l)"
grep -q 'write failed' "$WORK/export.err" && pass "the failed write is explained" || fail "no explanation: $(cat "$WORK/export.err")"

# Interrupted half-way (Ctrl-C): the export removes what it began.
mkdir -p "$WORK/bigtree" "$WORK/stopped"
truncate -s 200M "$WORK/bigtree/big.bin"
process "$WORK/bigcase" "$WORK/bigtree"
"$EXHIBIT" export "$WORK/bigcase" --format files --output "$WORK/stopped/out" >/dev/null 2>"$WORK/export.err" &
pid=$!
for _ in $(seq 1 200); do
	ls -A "$WORK/stopped" | grep -q exhibit-tmp && break
	sleep 0.02
done
kill -INT "$pid" 2>/dev/null
STATUS=0
wait "$pid" || STATUS=$?
if [ "$STATUS" = 0 ]; then
	echo "NOTE: the export finished before it could be interrupted: not checked"
else
	check "an interrupted export leaves nothing" "3|0" "$STATUS|$(ls -A "$WORK/stopped" | wc -l)"
fi
rm -rf "$WORK/bigtree" "$WORK/bigcase" "$WORK/stopped"

# A case whose record of one file's content is not what the evidence holds.
cp -a "$training" "$WORK/case-tampered"
sqlite3 "$WORK/case-tampered/case.db" "UPDATE content SET sha256 = zeroblob(32) WHERE id = (SELECT content_id FROM files WHERE path = '/home/anna/Documents/notes.txt')"
export_case "$WORK/case-tampered" files "$out/tampered"
check "files: a file that does not match the case fails the export, and nothing is left" "3|absent|0" \
	"$STATUS|$([ -e "$out/tampered" ] && echo present || echo absent)|$(ls -A "$out" | grep -c exhibit-tmp)"
check "files: the mismatch is named loudly" 1 "$(grep -q 'notes.txt: DOES NOT MATCH THE CASE' "$WORK/export.err" && echo 1)"

# Items found inside others (content store) and items with no file system
# (read by their data runs), as carving and plugins record them.
cp -a "$training" "$WORK/case-items"
notes=$(find "$out/files" -name notes.txt)
sha=$(sha256sum < "$notes" | cut -c1-64)
mkdir -p "$WORK/case-items/content/${sha:0:2}" && cp "$notes" "$WORK/case-items/content/${sha:0:2}/$sha"
sqlite3 "$WORK/case-items/case.db" "
UPDATE content SET stored = 'content/${sha:0:2}/$sha' WHERE sha256 = x'$sha';
INSERT INTO files(id, evidence_id, walk_seq, fs_id, parent_id, source, path, name, type, size, name_allocated, meta_allocated, content_id)
  SELECT 1000, evidence_id, -1000, fs_id, id, 'embedded', path || '/inner/notes.txt', 'notes.txt', 'r', size, 1, 1, content_id
  FROM files WHERE path = '/home/anna/Documents/club-archive.zip';
UPDATE files SET content_id = (SELECT content_id FROM files WHERE path = '/home/anna/Documents/notes.txt'),
                 size = (SELECT size FROM files WHERE path = '/home/anna/Documents/notes.txt') WHERE id = 1000;
INSERT INTO files(id, evidence_id, walk_seq, fs_id, source, path, name, type, size, name_allocated, meta_allocated, content_id)
  SELECT 1001, evidence_id, -1001, NULL, 'carved', '/carved/00001.jpg', '00001.jpg', 'r', size, 0, 0, content_id
  FROM files WHERE path = '/DCIM/100MEDIA/IMG_0001.JPG';
INSERT INTO data_runs(file_id, seq, file_offset, image_offset, length, flags)
  SELECT 1001, seq, file_offset, image_offset, length, flags FROM data_runs
  WHERE file_id = (SELECT id FROM files WHERE path = '/DCIM/100MEDIA/IMG_0001.JPG');"
export_case "$WORK/case-items" files "$out/items"
check "files: embedded (content store) and carved (data runs) items are extracted and verified" 0 "$STATUS"
cat "$WORK/export.err"
check "files: the item inside club-archive.zip is under 'club-archive.zip (contents)'" 1 \
	"$(find "$out/items" -path '*/club-archive.zip (contents)/inner/notes.txt' | wc -l)"
check "files: the carved item is under logical/" 1 "$(find "$out/items" -path '*/evidence-1/logical/carved/00001 (deleted).jpg' | wc -l)"
export_case "$WORK/case-items" hashdeep "$out/items.hashdeep" --files-root "$out/items"
check "hashdeep: the audit passes with embedded and carved items" "hashdeep: Audit passed" \
	"$(hashdeep -a -k "$out/items.hashdeep" -r "$out/items" 2>&1)"

# ------------------------------------------------------------- hostile names
# A small ext2 file system whose names attack the extraction: a name that
# is a path ("../../x", patched into the directory entry), line breaks,
# terminal escapes, bytes that are not UTF-8, Windows device names, a
# right-to-left override, a formula, two entries with one name, a deleted
# and an allocated file with one name, a file and a directory with one name.
python3 - "$WORK/hostile-tree" <<'EOF'
import os, sys
root = os.fsencode(sys.argv[1])
os.makedirs(os.path.join(root, b'sub'))
os.makedirs(os.path.join(root, b'clash'))
names = [b'new\nline.txt', b'esc\x1b[31mred.txt', b'bad\xff\xfe.txt', b'..X..Xx', b'a\\b.txt',
         b'=HYPERLINK(1).txt', b'CON', b'L' * 250 + b'.txt', b'dots...', b'photo\xe2\x80\xaegpj.exe',
         b'sub/dup1.txt', b'sub/dup2.txt', b'gone.txt', b'gonf.txt', b'clasx', b'clash/inner.txt',
         b'tab\there.txt']
for i, n in enumerate(names):
    with open(os.path.join(root, n), 'wb') as f:
        f.write(b'content %d\n' % i)
EOF
E2FSPROGS_FAKE_TIME=1700000000 mkfs.ext2 -q -F -b 1024 -d "$WORK/hostile-tree" "$WORK/hostile.raw" 2M
debugfs -w -R "rm gone.txt" "$WORK/hostile.raw" >/dev/null 2>&1
python3 - "$WORK/hostile.raw" <<'EOF'
import sys
p = sys.argv[1]
d = bytearray(open(p, 'rb').read())
for a, b in [(b'..X..Xx', b'../../x'), (b'dup2.txt', b'dup1.txt'), (b'gonf.txt', b'gone.txt'), (b'clasx', b'clash')]:
    i = d.find(a)
    assert i >= 0 and d.find(a, i + 1) < 0, a
    d[i:i + len(a)] = b
open(p, 'wb').write(d)
EOF
process "$WORK/hostile" "$WORK/hostile.raw"
check "hostile: processed" 0 "$STATUS"
export_case "$WORK/hostile" files "$out/hostile"
check "hostile: files exported" 0 "$STATUS"
check "hostile: every regular file with content is extracted" \
	"$(q "$WORK/hostile" "SELECT count(*) FROM files WHERE type = 'r' AND content_id IS NOT NULL")" \
	"$(find "$out/hostile" -type f ! -name exhibit-manifest.csv | wc -l)"
check "hostile: names are safe (inside the export, no '..', no controls, valid UTF-8)" "" "$(python3 - "$out/hostile" <<'EOF'
import os, sys
root = os.path.realpath(sys.argv[1])
bad = []
for d, dirs, files in os.walk(os.fsencode(root)):
    for n in dirs + files:
        p = os.path.join(d, n)
        if not os.path.realpath(p).startswith(os.fsencode(root) + b'/'): bad.append(p)
        if n in (b'.', b'..') or any(c < 0x20 or c == 0x7f for c in n) or b'\\' in n: bad.append(p)
        try: n.decode('utf-8')
        except UnicodeDecodeError: bad.append(p)
        if b'\xe2\x80\xae' in n or len(n) > 255: bad.append(p)
print(b'\n'.join(bad).decode('utf-8', 'replace'))
EOF
)"
check "hostile: nothing was written outside the export" "" "$(find "$WORK" -maxdepth 2 -name x -newer "$WORK/hostile.raw")"
h="$out/hostile/evidence-1/volume-0-ext2"
check "hostile: '../../x' stays one harmless name" 1 "$(ls -A "$h" | grep -cx '.._.._x')"
check "hostile: two entries with one name get two names" 2 "$(ls "$h/sub" | grep -c '^dup1')"
check "hostile: a file and a directory with one name are kept apart" "clash|clash (contents)" "$(ls "$h" | grep '^clash' | paste -sd'|')"
if [ "$(q "$WORK/hostile" "SELECT count(*) FROM files WHERE name = 'gone.txt' AND name_allocated = 0 AND content_id IS NOT NULL")" = 1 ]; then
	check "hostile: the deleted and the allocated gone.txt are kept apart" "gone (deleted).txt|gone.txt" "$(ls "$h" | grep '^gone' | sort | paste -sd'|')"
else
	check "hostile: the allocated gone.txt is extracted" "gone.txt" "$(ls "$h" | grep '^gone' | paste -sd'|')"
fi
export_case "$WORK/hostile" hashdeep "$out/hostile.hashdeep" --files-root "$out/hostile"
check "hostile: the hashdeep audit passes" "hashdeep: Audit passed" "$(hashdeep -a -k "$out/hostile.hashdeep" -r "$out/hostile" 2>&1)"
export_case "$WORK/hostile" dfxml "$out/hostile.dfxml"
check_cmd "hostile: the DFXML parses with xmllint" xmllint --noout "$out/hostile.dfxml"
q "$WORK/hostile" "SELECT id, coalesce(md5, '') FROM v_files ORDER BY id" > "$WORK/hostile-md5"
python3 "$WORK/dfxml.py" md5s "$out/hostile.dfxml" "$WORK/hostile-dfxml-md5"
check "hostile: DFXML MD5s agree with v_files" "$(md5sum < "$WORK/hostile-md5")" "$(md5sum < "$WORK/hostile-dfxml-md5")"
check "hostile: DFXML names read back as the case holds them (bad bytes as \\xNN)" "" "$(python3 - "$out/hostile.dfxml" "$WORK/hostile/case.db" <<'EOF'
import sqlite3, sys, xml.etree.ElementTree as ET
NS = '{http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML}'
db = sqlite3.connect(sys.argv[2]); db.text_factory = bytes
want = {}
for i, p in db.execute('SELECT id, path FROM files'):
    s = ''
    b = p[1:]
    while b:
        try: s += b.decode('utf-8'); b = b''
        except UnicodeDecodeError as e:
            s += b[:e.start].decode('utf-8') + ''.join('\\x%02x' % c for c in b[e.start:e.end]); b = b[e.end:]
    want[i] = ''.join(c if ord(c) >= 0x20 or c in '\t\n\r' else '\\x%02x' % ord(c) for c in s)
for fo in ET.parse(sys.argv[1]).getroot().iter(NS + 'fileobject'):
    i = int(fo.findtext(NS + 'id'))
    if fo.findtext(NS + 'filename') != want[i]:
        print(i, repr(fo.findtext(NS + 'filename')), repr(want[i]))
EOF
)"
for f in vics case-uco; do
	export_case "$WORK/hostile" "$f" "$out/hostile.$f"
	check "hostile: $f parses as JSON" 0 "$(python3 -m json.tool "$out/hostile.$f" >/dev/null; echo $?)"
done
check "hostile: VICS lists every place" "$(q "$WORK/hostile" "SELECT count(*) FROM files WHERE type = 'r' AND content_id IS NOT NULL")" \
	"$(python3 -c 'import json,sys; print(sum(len(m["MediaFiles"]) for m in json.load(open(sys.argv[1]))["value"][0]["Media"]))' "$out/hostile.vics")"
export_case "$WORK/hostile" csv "$out/hostile.csv"
check "hostile: CSV rows equal v_files" "$(q "$WORK/hostile" "SELECT count(*) FROM v_files")" "$(python3 "$WORK/csvcount.py" "$out/hostile.csv")"
check "hostile: the formula is defused in CSV" 1 "$(grep -c "\"'=HYPERLINK(1).txt\"" "$out/hostile.csv")"
finish
