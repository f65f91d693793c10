#!/bin/bash
# hashsets.sh — hash sets end to end: the corpus hash lists (NSRLFile.txt,
# iLook v4, BSD and md5sum lists) and sets made here (a hashdeep file
# written by the real hashdeep, an NSRL RDS v3 database made with the
# sqlite3 shell from NIST's schema, a VICS JSON set and a sha256sum list
# of files of the training image) are imported, evidence is processed
# against them, and v_hash_hits must hold exactly the expected rows; then
# the hide-known-good switch and `exhibit hashset match` for sets imported
# after processing.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"
need_corpus

export EXHIBIT_HASHDB="$WORK/hashdb"
corpus="$CORPUS/hashdeep"
evidence="$WORK/evidence"
mkdir -p "$evidence"
cp "$corpus"/* "$evidence"/

hs() { "$EXHIBIT" hashset "$@"; }
# imp EXPECTED_STATUS NAME KIND FILE... [-- OPTIONS]: import, check the status.
imp() {
	want=$1 name=$2 kind=$3
	shift 3
	st=0
	hs import "$@" --name "$name" --kind "$kind" --quiet >"$WORK/imp-$name.out" 2>"$WORK/imp-$name.err" || st=$?
	check "import $name: exit status" "$want" "$st"
}

# ---------------------------------------------------------------- the corpus lists
imp 0 NSRL known-good "$corpus/nsrlfile.txt"
imp 0 bsd known-bad "$corpus/bsd-hashes.txt"
imp 0 ilook known-good "$corpus/ilookv4.hsh"
imp 1 known known-bad "$corpus/known.txt"
check "the junk line of known.txt is reported with its line and offset" 1 \
	"$(grep -c 'known.txt: line 2 (byte 44): not a digest list line' "$WORK/imp-known.err")"
check "the good line of known.txt is kept" "Entries:        1 accepted, 1 rejected" \
	"$(grep '^Entries' "$WORK/imp-known.out")"
imp 3 foo known-bad "$corpus/foo.txt"
check "a file that is not a hash set is a clear error" 1 \
	"$(grep -c 'foo.txt: not a hash set' "$WORK/imp-foo.err")"
imp 3 NSRL known-good "$corpus/nsrlfile.txt"
check "a name already used is refused" 1 "$(grep -c "already in the" "$WORK/imp-NSRL.err")"
imp 2 bad-kind known-ish "$corpus/nsrlfile.txt"

# A hashdeep file written by hashdeep itself, when it is installed.
if command -v hashdeep >/dev/null 2>&1; then
	(cd "$corpus" && hashdeep -c md5,sha1,sha256 install.txt 1072-at.txt) >"$WORK/made.hashdeep"
	imp 0 hashdeep-made known-bad "$WORK/made.hashdeep"
	hashdeep_rows="/1072-at.txt|hashdeep-made|known-bad|||md5
/1072-at.txt|hashdeep-made|known-bad|||sha1
/1072-at.txt|hashdeep-made|known-bad|||sha256
/install.txt|hashdeep-made|known-bad|||md5
/install.txt|hashdeep-made|known-bad|||sha1
/install.txt|hashdeep-made|known-bad|||sha256"
else
	echo "NOTE: hashdeep is not installed (Debian package hashdeep): its file is not tested"
	hashdeep_rows=""
fi

# An NSRL RDS v3 database (NIST's FILE table), the empty file in two packages.
sqlite3 "$WORK/rds.db" "CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL,
	md5 VARCHAR NOT NULL, crc32 VARCHAR NOT NULL, file_name VARCHAR NOT NULL,
	file_size INTEGER NOT NULL, package_id INTEGER NOT NULL,
	CONSTRAINT PK_FILE__FILE PRIMARY KEY (sha256, sha1, md5, crc32, file_name, file_size, package_id));
	INSERT INTO FILE VALUES
	('E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855','DA39A3EE5E6B4B0D3255BFEF95601890AFD80709','D41D8CD98F00B204E9800998ECF8427E','00000000','empty',0,1),
	('E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855','DA39A3EE5E6B4B0D3255BFEF95601890AFD80709','D41D8CD98F00B204E9800998ECF8427E','00000000','empty',0,2);"
imp 0 rds known-good "$WORK/rds.db"
check "the RDS database gives one entry per content" "Entries:        1 accepted, 0 rejected" \
	"$(grep '^Entries' "$WORK/imp-rds.out")"

process "$WORK/c1" "$evidence"
check "the corpus directory is processed" 0 "$STATUS"
expected="/copying.txt|bsd|known-bad|||md5
/deadbeef.txt|bsd|known-bad|||md5
/foo.txt|bsd|known-bad|||md5
/install.txt|bsd|known-bad|||md5
/one-byte-file.txt|bsd|known-bad|||md5
/zero-byte-file.txt|NSRL|known-good|||md5
/zero-byte-file.txt|NSRL|known-good|||sha1
/zero-byte-file.txt|ilook|known-good|||md5
/zero-byte-file.txt|ilook|known-good|||sha1
/zero-byte-file.txt|rds|known-good|||md5
/zero-byte-file.txt|rds|known-good|||sha1
/zero-byte-file.txt|rds|known-good|||sha256
$hashdeep_rows"
check "every listed file hits its entry; the empty file hits the NSRL row (v_hash_hits)" \
	"$(printf '%s\n' "$expected" | sed '/^$/d' | sort)" \
	"$(q "$WORK/c1" "SELECT path, set_name, kind, category, category_scheme, algorithm FROM v_hash_hits" | sort)"
check "each hit's digest is the content's" 0 \
	"$(q "$WORK/c1" "SELECT count(*) FROM v_hash_hits h JOIN v_files f ON f.id = h.file_id
	                 WHERE h.digest <> CASE h.algorithm WHEN 'md5' THEN f.md5 WHEN 'sha1' THEN f.sha1 ELSE f.sha256 END")"
check "the sets used are recorded in the case once" "$(hs list --json | wc -l)" \
	"$(q "$WORK/c1" "SELECT count(*) FROM hash_sets")"

# ---------------------------------------------------------------- the training image
images="$WORK/images"
if ! bash "$EXHIBIT_SOURCE_DIR/examples/build-training-image.sh" "$images" >"$WORK/build.log" 2>&1; then
	if grep -q "install" "$WORK/build.log"; then
		echo "SKIP: the training image: $(grep -m1 install "$WORK/build.log")"
		finish
		exit $?
	fi
	cat "$WORK/build.log"
	fail "the training image builds"
	finish
	exit 1
fi
key="$images/training.answers.tsv"
# Three allocated files of the key with distinct content; the hash of each.
awk -F'\t' 'NR > 1 && $4 == "r" && $6 == 1 && $5 > 0 && !seen[$9]++ { print }' "$key" >"$WORK/files.tsv"
pick() { sed -n "$1p" "$WORK/files.tsv" | cut -f"$2"; }
bad_md5=$(pick 2 7) bad_sha1=$(pick 5 8) good_sha256=$(pick 9 9) late_sha1=$(pick 12 8)
cat >"$WORK/vics.json" <<EOF
{"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/\$metadata#Media",
 "value":[{"MediaID":1,"Category":1,"MD5":"$(echo "$bad_md5" | tr a-f A-F)","DateUpdated":"/Date(1709280000000)/",
           "AlternativeHashes":[{"HashName":"PDQ","HashValue":"00ff"}]},
          {"MediaID":2,"Category":"3","SHA1":"$bad_sha1","DateUpdated":"2024-03-01T08:00:00Z"}]}
EOF
imp 0 vics categorised "$WORK/vics.json"
check "VICS: the scheme is taken from the file" 1 "$(hs list --json | grep '"name":"vics"' | grep -c project-vic-us)"
printf '%s *some/name\n' "$good_sha256" >"$WORK/good.sha256"
imp 0 own-good known-good "$WORK/good.sha256"

# places COLUMN DIGEST SUFFIX: every place of the content with that digest,
# as "path|SUFFIX" (duplicates and deleted files included).
places() { q "$WORK/c2" "SELECT path || '|$3' FROM v_files WHERE $1 = '$2'"; }
empty=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
process "$WORK/c2" "$images/training.raw"
check "the training image is processed" 0 "$STATUS"
check "the picked files are in the case" 3 \
	"$(q "$WORK/c2" "SELECT (SELECT count(*) > 0 FROM v_files WHERE md5 = '$bad_md5') +
	                 (SELECT count(*) > 0 FROM v_files WHERE sha1 = '$bad_sha1') +
	                 (SELECT count(*) > 0 FROM v_files WHERE sha256 = '$good_sha256')")"
expected=$({ places md5 "$bad_md5" "vics|categorised|1|project-vic-us|md5"
	places sha1 "$bad_sha1" "vics|categorised|3|project-vic-us|sha1"
	places sha256 "$good_sha256" "own-good|known-good|||sha256"
	for row in "NSRL|known-good|||md5" "NSRL|known-good|||sha1" "ilook|known-good|||md5" \
		"ilook|known-good|||sha1" "rds|known-good|||md5" "rds|known-good|||sha1" "rds|known-good|||sha256"; do
		places sha256 "$empty" "$row"
	done; } | sort)
actual=$(q "$WORK/c2" "SELECT path, set_name, kind, category, category_scheme, algorithm FROM v_hash_hits" | sort)
check "training image: v_hash_hits holds exactly the expected rows" "$expected" "$actual"
check "training image: both VICS entries and the own list hit" "3" \
	"$(q "$WORK/c2" "SELECT count(DISTINCT set_name || algorithm) FROM v_hash_hits WHERE set_name IN ('vics', 'own-good')")"

# ---------------------------------------------------------------- hide known-good
all=$(q "$WORK/c2" "SELECT count(*) FROM v_files")
check "the switch is off by default" "$all" "$(q "$WORK/c2" "SELECT count(*) FROM v_review_files")"
st=0; hs hide-known-good "$WORK/c2" on >"$WORK/hide.out" || st=$?
check "hide-known-good on" 0 "$st"
hidden=$(q "$WORK/c2" "SELECT count(*) FROM v_files WHERE sha256 IN ('$good_sha256', '$empty')")
check "known-good files are hidden from v_review_files, the rest shown" "$((all - hidden))" \
	"$(q "$WORK/c2" "SELECT count(*) FROM v_review_files")"
check "no known-bad file is hidden" 0 "$(q "$WORK/c2" "SELECT count(*) FROM v_hash_hits WHERE kind <> 'known-good'
	AND file_id NOT IN (SELECT id FROM v_review_files)")"
hs hide-known-good "$WORK/c2" off >/dev/null
check "hide-known-good off shows everything again" "$all" "$(q "$WORK/c2" "SELECT count(*) FROM v_review_files")"
st=0; hs hide-known-good "$WORK/c2" maybe 2>/dev/null || st=$?
check "hide-known-good with neither on nor off is a usage error" 2 "$st"
st=0; hs hide-known-good "$WORK/nocase" on 2>/dev/null || st=$?
check "hide-known-good on a directory that is no case fails" 3 "$st"
check "no case was created by it" 1 "$([ ! -e "$WORK/nocase" ] && echo 1)"

# ---------------------------------------------------------------- match after processing
printf '%s  late\n' "$late_sha1" >"$WORK/late.sha1"
imp 0 late known-bad "$WORK/late.sha1"
before=$(q "$WORK/c2" "SELECT count(*) FROM v_hash_hits")
st=0; hs match "$WORK/c2" >"$WORK/match.out" || st=$?
check "hashset match" 0 "$st"
check "match finds the set imported after processing" \
	"$(places sha1 "$late_sha1" "late|known-bad|||sha1" | sort)" \
	"$(q "$WORK/c2" "SELECT path, set_name, kind, category, category_scheme, algorithm FROM v_hash_hits WHERE set_name = 'late'" | sort)"
check "match keeps the earlier hits" "$before" \
	"$(q "$WORK/c2" "SELECT count(*) FROM v_hash_hits WHERE set_name <> 'late'")"
hs match "$WORK/c2" >"$WORK/match2.out"
check "matching again adds nothing" 1 "$(grep -c ', 0 of them new' "$WORK/match2.out")"
check "hide-known-good and match are custody entries" "process,hide-known-good,hide-known-good,hashset-match,hashset-match" \
	"$(q "$WORK/c2" "SELECT group_concat(action) FROM (SELECT action FROM custody_entries ORDER BY seq)")"
check "the match's entry names the sets by digest" 1 \
	"$(q "$WORK/c2" "SELECT count(*) FROM custody_entries WHERE action = 'hashset-match' AND seq = (SELECT max(seq) FROM custody_entries) AND parameters LIKE '%\"name\":\"late\"%set_digest%'")"
st=0; "$EXHIBIT" verify "$WORK/c2" >"$WORK/verify.out" || st=$?
check "the case verifies after matching and hiding" 0 "$st"

# ---------------------------------------------------------------- list, remove, no sets
nsets=8
[ -n "$hashdeep_rows" ] && nsets=9
check "list shows every set" "$nsets" "$(hs list --json | wc -l)"
st=0; hs remove late >/dev/null || st=$?
check "remove" 0 "$st"
st=0; hs remove late 2>/dev/null || st=$?
check "removing an unknown set is an error" 2 "$st"
check "list after remove" "$((nsets - 1))" "$(hs list --json | wc -l)"
check "the case keeps the hits of the removed set" 1 \
	"$(q "$WORK/c2" "SELECT count(*) > 0 FROM v_hash_hits WHERE set_name = 'late'")"
"$EXHIBIT" process "$evidence" --case "$WORK/c3" --quiet --no-hash-sets >/dev/null 2>&1
check "--no-hash-sets: no set, no hit" "0|0" "$(q "$WORK/c3" "SELECT (SELECT count(*) FROM hash_sets) || '|' || (SELECT count(*) FROM hash_hits)")"
st=0; "$EXHIBIT" process "$evidence" --case "$WORK/c4" --quiet --hashdb "$WORK/empty-db" >/dev/null 2>&1 || st=$?
check "--hashdb naming a database with no set is an error" 2 "$st"
finish
