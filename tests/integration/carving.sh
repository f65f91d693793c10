#!/bin/bash
# carving.sh — exhibit process carves deleted files with the TOYC test
# carver (tests/plugins/toycarver.c) from raw space, FAT and ext4 images:
# contiguous files at odd offsets and across block ends byte-exact, files
# in two fragments whole with both byte runs, a broken file as a partial
# one, decoys never, a crashing carver as an error; the same rows with 1
# and 4 threads; deleted copies of allocated files as duplicates; slack;
# the options and their custody record.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

: "${EXHIBIT_TEST_PLUGIN_DIR:?run through make check}"
export PATH=$PATH:/usr/sbin:/sbin
py="python3 $EXHIBIT_SOURCE_DIR/tests/integration/carving_images.py"
plugins="$WORK/plugins"
mkdir -p "$plugins"
cp "$EXHIBIT_TEST_PLUGIN_DIR/toycarver.so" "$plugins/"

# carve CASE EVIDENCE [OPTION...] — exhibit process with the toy carver only.
carve() {
	case_dir=$1
	shift
	STATUS=0
	"$EXHIBIT" process "$@" --case "$case_dir" --quiet --no-default-plugins \
		--plugin-dir "$plugins" >"$case_dir.out" 2>"$case_dir.err" || STATUS=$?
}

carved_rows() { # CASE — what was carved, without ids
	q "$1" "SELECT offset, length, fragments, validated, sha256 FROM v_carved ORDER BY offset"
}

# ------------------------------------------------------------ raw space
$py layout "$WORK/raw.img" "$WORK/raw.expected"
before=$(sha256sum "$WORK/raw.img")
carve "$WORK/raw1" "$WORK/raw.img" --jobs 1
check "raw image, 1 thread: exit status 1 (no file system: recorded)" 1 "$STATUS"
carved_rows "$WORK/raw1" | tr '|' ' ' > "$WORK/raw1.rows"
if diff "$WORK/raw.expected" "$WORK/raw1.rows" > "$WORK/raw.diff"; then
	pass "raw image: every file carved byte-exact, fragmented ones whole, the broken one partial, nothing else ($(wc -l < "$WORK/raw.expected") files)"
else
	fail "raw image: carved files differ from the planted ones:"; cat "$WORK/raw.diff"
fi
check "raw image: the stream is the unrecognised image" "unrecognised" \
	"$(q "$WORK/raw1" "SELECT group_concat(DISTINCT stream) FROM v_carved")"
check "raw image: the file in two pieces has both byte runs" "0|1000077|48499,48499|1067520|156813" \
	"$(q "$WORK/raw1" "SELECT group_concat(r.file_offset || '|' || r.image_offset || '|' || r.length)
	   FROM data_runs r JOIN carved c ON c.file_id = r.file_id WHERE c.image_offset = 1000077 ORDER BY r.seq")"
check "raw image: the three two-piece files were joined by the gap search" 3 \
	"$(q "$WORK/raw1" "SELECT count(*) FROM v_carved WHERE joined = 1")"
check "raw image: carved files are items: path, source, content stored" \
	"/\$CarvedFiles/unrecognised/12345.toyc|carved|1" \
	"$(q "$WORK/raw1" "SELECT f.path, f.source, c.stored IS NOT NULL FROM files f JOIN content c
	   ON c.id = f.content_id WHERE f.path LIKE '%/12345.toyc'")"
stored=$(q "$WORK/raw1" "SELECT c.stored FROM files f JOIN content c ON c.id = f.content_id WHERE f.path LIKE '%/1000077.toyc'")
check "raw image: the stored content of a joined file hashes to its sha256" \
	"$(q "$WORK/raw1" "SELECT sha256 FROM v_carved WHERE offset = 1000077")" \
	"$(sha256sum "$WORK/raw1/$stored" | cut -d' ' -f1)"
check "raw image: the crashing carver is an error with its offset; the run went on" \
	"toycarver|5200000" \
	"$(q "$WORK/raw1" "SELECT plugin || '|' || offset FROM v_errors WHERE message LIKE '%carver crashed%'")"
check "raw image: the evidence was not written" "$before" "$(sha256sum "$WORK/raw.img")"

carve "$WORK/raw4" "$WORK/raw.img" --jobs 4
check "raw image, 4 threads: the same carved files" "$(carved_rows "$WORK/raw1")" "$(carved_rows "$WORK/raw4")"
check "raw image, 4 threads: the same byte runs" \
	"$(q "$WORK/raw1" "SELECT c.image_offset, r.seq, r.image_offset, r.length FROM data_runs r JOIN carved c ON c.file_id = r.file_id ORDER BY 1, 2")" \
	"$(q "$WORK/raw4" "SELECT c.image_offset, r.seq, r.image_offset, r.length FROM data_runs r JOIN carved c ON c.file_id = r.file_id ORDER BY 1, 2")"

carve "$WORK/rawall" "$WORK/raw.img" --carve-all --jobs 2
check "--carve-all: the same files, from the image stream" "$(carved_rows "$WORK/raw1")" "$(carved_rows "$WORK/rawall")"
check "--carve-all: the stream is the image" "image" \
	"$(q "$WORK/rawall" "SELECT group_concat(DISTINCT stream) FROM v_carved")"
check "--carve-all: custody records the options" '"carve":"whole-image","carvers":["toycarver"]' \
	"$(q "$WORK/rawall" "SELECT parameters FROM custody_entries WHERE action = 'process'" | grep -o '"carve":"[^"]*","carvers":\[[^]]*\]')"

if command -v ewfacquire >/dev/null; then
	ewfacquire -u -q -c fast -f encase6 -S 8MiB -t "$WORK/raw" "$WORK/raw.img" >/dev/null 2>&1
	carve "$WORK/rawe01" "$WORK/raw.E01" --jobs 2
	check "E01 in several segments: the same files as the raw image" "$(carved_rows "$WORK/raw1")" \
		"$(carved_rows "$WORK/rawe01")"
fi

carve "$WORK/rawoff" "$WORK/raw.img" --no-carve
check "--no-carve: nothing carved" 0 "$(q "$WORK/rawoff" "SELECT count(*) FROM carved")"
check "--no-carve: custody says so" '"carve":"off"' \
	"$(q "$WORK/rawoff" "SELECT parameters FROM custody_entries WHERE action = 'process'" | grep -o '"carve":"off"')"
carve "$WORK/rawnamed" "$WORK/raw.img" --carvers toycarver
check "--carvers toycarver: carves" "$(wc -l < "$WORK/raw.expected")" "$(q "$WORK/rawnamed" "SELECT count(*) FROM carved")"
carve "$WORK/rawbad" "$WORK/raw.img" --carvers toycarver,nosuch
check "--carvers with an unknown name: usage error" 2 "$STATUS"
grep -q "no carver plugin named 'nosuch'" "$WORK/rawbad.err"
check "--carvers with an unknown name: says which" 0 $?

"$EXHIBIT" process "$WORK/raw.img" --case "$WORK/rawjson" --json --no-default-plugins \
	--plugin-dir "$plugins" > "$WORK/rawjson.out" 2>/dev/null
check "--json: carve-start and carve-done events" 2 "$(grep -c '"event":"carve-' "$WORK/rawjson.out")"
grep -q '"event":"summary".*"carved":10' "$WORK/rawjson.out"
check "--json: the summary counts carved files" 0 $?

# ------------------------------------------------------------ FAT
if command -v mformat >/dev/null && command -v mkfs.fat >/dev/null; then
	fat="$WORK/fat.img"
	$py file 20 501 1 "$WORK/keep.toyc"
	$py file 100 502 2 "$WORK/frag.toyc"
	$py file 60 503 3 "$WORK/frag2.toyc"
	head -c 2048 /dev/urandom > "$WORK/one.rnd"
	head -c 2048 /dev/urandom > "$WORK/gap.rnd"
	head -c 4096 /dev/urandom > "$WORK/gap2.rnd"
	mkfs.fat -C -s 4 -S 512 -n CARVE "$fat" 8192 >/dev/null
	export MTOOLS_SKIP_CHECK=1
	# FAT allocates the first free cluster.  frag.toyc takes one.rnd's
	# cluster, then goes on after keep.toyc: only allocated files lie
	# between its pieces.  frag2.toyc takes two.rnd's cluster, then goes
	# on after gap2.rnd, which is deleted too: its random bytes lie between.
	mcopy -i "$fat" "$WORK/one.rnd" ::one.rnd
	mcopy -i "$fat" "$WORK/gap.rnd" ::gap.rnd
	mcopy -i "$fat" "$WORK/keep.toyc" ::keep.toyc
	mdel -i "$fat" ::one.rnd
	mcopy -i "$fat" "$WORK/frag.toyc" ::frag.toyc
	mcopy -i "$fat" "$WORK/keep.toyc" ::dup.toyc
	mcopy -i "$fat" "$WORK/one.rnd" ::two.rnd
	mcopy -i "$fat" "$WORK/gap2.rnd" ::gap2.rnd
	mdel -i "$fat" ::two.rnd
	mcopy -i "$fat" "$WORK/frag2.toyc" ::frag2.toyc
	mdel -i "$fat" ::frag.toyc ::dup.toyc ::frag2.toyc ::gap2.rnd
	carve "$WORK/fat" "$fat" --jobs 2
	check "FAT: exit status 0" 0 "$STATUS"
	check "FAT: the deleted fragmented file, whole and byte-exact" "$(sha256sum < "$WORK/frag.toyc" | cut -d' ' -f1)|1" \
		"$(q "$WORK/fat" "SELECT sha256 || '|' || validated FROM v_carved WHERE length = $(stat -c %s "$WORK/frag.toyc")")"
	check "FAT: around a file still allocated, it is read in two runs from the unallocated stream" "unallocated|2|0" \
		"$(q "$WORK/fat" "SELECT stream || '|' || fragments || '|' || joined FROM v_carved WHERE sha256 = '$(sha256sum < "$WORK/frag.toyc" | cut -d' ' -f1)'")"
	check "FAT: the second one, across a deleted file, joined by the gap search" "1|1" \
		"$(q "$WORK/fat" "SELECT validated || '|' || joined FROM v_carved WHERE sha256 = '$(sha256sum < "$WORK/frag2.toyc" | cut -d' ' -f1)'")"
	keep_id=$(q "$WORK/fat" "SELECT id FROM files WHERE path = '/KEEP.TOYC' OR path = '/keep.toyc'")
	check "FAT: the deleted copy of an allocated file is a duplicate of it" "$keep_id" \
		"$(q "$WORK/fat" "SELECT duplicates FROM v_carved WHERE sha256 = '$(sha256sum < "$WORK/keep.toyc" | cut -d' ' -f1)'")"
	check "FAT: review shows that content once (no carved copy)" 0 \
		"$(q "$WORK/fat" "SELECT count(*) FROM v_review_files WHERE source = 'carved' AND sha256 = '$(sha256sum < "$WORK/keep.toyc" | cut -d' ' -f1)'")"
	check "FAT: v_files still lists every place" 1 \
		"$(q "$WORK/fat" "SELECT count(*) > 1 FROM v_files WHERE sha256 = '$(sha256sum < "$WORK/keep.toyc" | cut -d' ' -f1)'")"
else
	echo "SKIP (part): mtools or dosfstools missing (scripts/setup-debian.sh installs them)"
fi

# ------------------------------------------------------------ ext4
if command -v mkfs.ext4 >/dev/null && command -v debugfs >/dev/null; then
	tree="$WORK/tree"
	mkdir -p "$tree"
	$py file 300 601 11 "$tree/gone.toyc"
	$py file 40 602 12 "$tree/keep.toyc"
	cp "$tree/keep.toyc" "$tree/copy.toyc"
	printf 'a small file whose last block has room for a small deleted file\n' > "$tree/small.txt"
	$py file 1 603 13 "$WORK/inslack.toyc"
	E2FSPROGS_FAKE_TIME=1700000000 mkfs.ext4 -q -F -b 4096 -U 0a0b0c0d-1111-2222-3333-444455556666 \
		-E hash_seed=0a0b0c0d-1111-2222-3333-444455556666 -d "$tree" "$WORK/ext4.img" 16M >/dev/null
	debugfs -w -R "rm /gone.toyc" "$WORK/ext4.img" >/dev/null 2>&1
	debugfs -w -R "rm /copy.toyc" "$WORK/ext4.img" >/dev/null 2>&1
	# A small file left in the slack of small.txt's block.
	block=$(debugfs -R "blocks /small.txt" "$WORK/ext4.img" 2>/dev/null | awk '{print $1}')
	dd if="$WORK/inslack.toyc" of="$WORK/ext4.img" bs=1 seek=$((block * 4096 + 1024)) conv=notrunc 2>/dev/null
	carve "$WORK/ext4" "$WORK/ext4.img" --jobs 2
	check "ext4: exit status 0" 0 "$STATUS"
	check "ext4: the deleted file, byte-exact" "$(sha256sum < "$tree/gone.toyc" | cut -d' ' -f1)|unallocated|1" \
		"$(q "$WORK/ext4" "SELECT sha256 || '|' || stream || '|' || validated FROM v_carved WHERE length = $(stat -c %s "$tree/gone.toyc")")"
	keep_sha=$(sha256sum < "$tree/keep.toyc" | cut -d' ' -f1)
	check "ext4: the deleted copy of an allocated file is a duplicate of a file of the walk" \
		"fs|$keep_sha" \
		"$(q "$WORK/ext4" "SELECT f.source || '|' || f.sha256 FROM v_carved c JOIN v_files f ON f.id = c.duplicates WHERE c.sha256 = '$keep_sha'")"
	check "ext4: the carved copy is in v_files, not in review" "1|0" \
		"$(q "$WORK/ext4" "SELECT (SELECT count(*) FROM v_files WHERE sha256 = '$keep_sha' AND source = 'carved') || '|' ||
		   (SELECT count(*) FROM v_review_files WHERE sha256 = '$keep_sha' AND source = 'carved')")"
	check "ext4: a file in slack is carved from the slack stream" "slack|$((block * 4096 + 1024))" \
		"$(q "$WORK/ext4" "SELECT stream || '|' || offset FROM v_carved WHERE sha256 = '$(sha256sum < "$WORK/inslack.toyc" | cut -d' ' -f1)'")"
	check "ext4: slack is recorded as ranges" 1 \
		"$(q "$WORK/ext4" "SELECT count(*) > 0 FROM unallocated WHERE kind = 'slack'")"
	check "ext4: the case verifies" 0 "$("$EXHIBIT" verify "$WORK/ext4" >/dev/null 2>&1; echo $?)"
else
	echo "SKIP (part): e2fsprogs missing"
fi

# ------------------------------------------------------------ plugins
"$EXHIBIT" plugins --no-default-plugins --plugin-dir "$plugins" > "$WORK/plugins.out"
grep -q "^toycarver 1.0 (carver)" "$WORK/plugins.out" &&
	grep -q "carves: files up to 512000512 bytes, in one or two fragments" "$WORK/plugins.out"
check "exhibit plugins lists the carver with its kind and limits" 0 $?
finish
