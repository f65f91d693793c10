#!/bin/bash
# custody.sh — the chain of custody end to end: a case built by several
# commands verifies clean; signatures verify with the openssl tool; keys
# with passphrases; a case changed behind exhibit's back is refused; and
# the mutation test: EXHIBIT_MUTATIONS (default 200) random tamperings,
# each of which `exhibit verify` must detect and name.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

plugins=${EXHIBIT_TEST_PLUGIN_DIR:?set EXHIBIT_TEST_PLUGIN_DIR (make check does)}
images="$WORK/images"
if ! bash "$EXHIBIT_SOURCE_DIR/examples/build-training-image.sh" "$images" > "$WORK/build.log" 2>&1; then
	cat "$WORK/build.log"
	fail "the training image builds"
	finish
	exit 1
fi
signed="$WORK/case"

# 1. A case made by five commands: two runs (the second hands content to
#    the content store), a tag, a note, a category.
process "$signed" "$images/training.E01"
check "process: the training image" 0 "$STATUS"
ev="$WORK/evidence"
mkdir -p "$ev"
for name in child-1.txt child-2.txt ok-1.txt; do echo "content of $name" > "$ev/$name"; done
"$EXHIBIT" process "$ev" --case "$signed" --quiet --no-default-plugins --plugin-dir "$plugins" \
	>"$WORK/p2.out" 2>"$WORK/p2.err"
check "process: a second evidence item, with child items" 0 $?
check "the child items are in the content store" 2 "$(find "$signed/content" -type f | wc -l)"
item=$(q "$signed" "SELECT id FROM v_files WHERE path = '/home/anna/Documents/notes.txt'")
"$EXHIBIT" tag "$signed" "$item" suspicious 2>/dev/null &&
"$EXHIBIT" note "$signed" "$item" "seen by the reviewer" 2>/dev/null &&
"$EXHIBIT" categorize "$signed" "$item" 3 --scheme project-vic-us 2>/dev/null
check "tag, note and categorize succeed" 0 $?
check "five custody entries, numbered in order" "1,2,3,4,5" \
	"$(q "$signed" "SELECT group_concat(seq) FROM (SELECT seq FROM custody_entries ORDER BY seq)")"
check "the entries name their actions" "process,process,tag,note,categorize" \
	"$(q "$signed" "SELECT group_concat(action) FROM (SELECT action FROM custody_entries ORDER BY seq)")"
check "each entry names its examiner" "exhibit test suite" \
	"$(q "$signed" "SELECT DISTINCT examiner FROM custody_entries")"
check "the plugins' versions are recorded" 1 \
	"$(q "$signed" "SELECT count(*) FROM custody_entries WHERE seq = 2 AND plugins LIKE '%\"misbehaving\":\"1.0\"%'")"

"$EXHIBIT" verify "$signed" > "$WORK/verify.out" 2>&1
check "the untouched case verifies" 0 $?
grep -q "5 custody entries, 1 keys, .* rows, 2 content files: intact" "$WORK/verify.out"
check "verify says what it checked" 0 $?
"$EXHIBIT" verify "$signed" --image "$images/training.E01" > "$WORK/verify-image.out" 2>&1
check "verify --image: the evidence hashes as recorded" 0 $?
"$EXHIBIT" verify "$signed" --image "$images/training.answers.tsv" > /dev/null 2>&1
check "verify --image: another file is not the evidence" 1 $?
fp=$(q "$signed" "SELECT key_fingerprint FROM custody_entries LIMIT 1")
"$EXHIBIT" verify "$signed" --key "$fp" > /dev/null 2>&1
check "verify --key: the examiner's fingerprint is accepted" 0 $?
"$EXHIBIT" verify "$signed" --key 0000 > /dev/null 2>&1
check "verify --key: any other fingerprint is refused" 1 $?
"$EXHIBIT" custody "$signed" --json | python3 -c 'import json,sys; print(len([json.loads(l) for l in sys.stdin]))' > "$WORK/n" 2>&1
check "custody --json: one JSON object per entry" 5 "$(cat "$WORK/n")"

# 2. The signature is plain Ed25519: the openssl tool verifies it.
key_pub="$XDG_CONFIG_HOME/exhibit/examiner.key.pub"
sqlite3 "$signed/case.db" "SELECT writefile('$WORK/entry.bin', entry_hash), writefile('$WORK/entry.sig', signature) FROM custody_entries WHERE seq = 5" > /dev/null
openssl pkeyutl -verify -pubin -inkey "$key_pub" -rawin -in "$WORK/entry.bin" -sigfile "$WORK/entry.sig" > "$WORK/openssl.out" 2>&1
check "openssl pkeyutl verifies exhibit's signature of the chain head" 0 $?
printf 'x' >> "$WORK/entry.bin"
openssl pkeyutl -verify -pubin -inkey "$key_pub" -rawin -in "$WORK/entry.bin" -sigfile "$WORK/entry.sig" > /dev/null 2>&1
check "openssl pkeyutl rejects it over other bytes" 1 $?
check "the head file names the last entry" "seq: 5" "$(sed -n 2p "$signed/custody.head")"

# 3. Keys: passphrase-protected, and refused when the passphrase is wrong,
#    before anything is processed.
printf 'correct horse battery\n' > "$WORK/pass"
printf 'wrong\n' > "$WORK/wrong"
"$EXHIBIT" keygen --output "$WORK/keys/jane.key" --examiner "Jane Examiner" \
	--passphrase-file "$WORK/pass" > "$WORK/keygen.out"
check "keygen with a passphrase" 0 $?
check "the private key is mode 0600" 600 "$(stat -c %a "$WORK/keys/jane.key")"
grep -q "ENCRYPTED PRIVATE KEY" "$WORK/keys/jane.key"
check "the private key is encrypted" 0 $?
"$EXHIBIT" keygen --output "$WORK/keys/jane.key" --no-passphrase > /dev/null 2>&1
check "keygen never overwrites a key" 3 $?
"$EXHIBIT" tag "$signed" "$item" x --key "$WORK/keys/jane.key" --passphrase-file "$WORK/wrong" 2> "$WORK/wrong.err"
check "a wrong passphrase is refused" 2 $?
grep -q "passphrase is missing or wrong" "$WORK/wrong.err"
check "and said so" 0 $?
check "and nothing was written" 5 "$(q "$signed" "SELECT count(*) FROM custody_entries")"
"$EXHIBIT" tag "$signed" "$item" second-opinion --key "$WORK/keys/jane.key" \
	--passphrase-file "$WORK/pass" 2>/dev/null
check "a second examiner tags with her own key" 0 $?
check "her key and name are in the case" "Jane Examiner" \
	"$(q "$signed" "SELECT examiner FROM custody_entries WHERE seq = 6")"
"$EXHIBIT" verify "$signed" > /dev/null 2>&1
check "a case signed by two examiners verifies" 0 $?

# 4. Changed behind exhibit's back: named by verify, refused by the next
#    command that would sign over it.
cp -r "$signed" "$WORK/tampered"
sqlite3 "$WORK/tampered/case.db" "UPDATE files SET size = size + 1 WHERE id = $item"
"$EXHIBIT" verify "$WORK/tampered" > "$WORK/tampered.out" 2>&1
check "verify fails on an edited row" 1 $?
grep -q "^FAIL  row files rowid $item: changed since custody entry 1 signed it" "$WORK/tampered.out"
check "and names it" 0 $?
process "$WORK/tampered" "$images/training.E01"
check "process refuses to sign over it" 3 "$STATUS"
grep -q "changed outside exhibit after custody entry 6 signed it (1 rows differ: files rowid $item changed)" "$WORK/tampered.err"
check "and says which row" 0 $?

# 5. RFC 3161: a TSA made here with the openssl tool stamps the head; the
#    reply is checked offline against the TSA's CA, and kept.
tsa="$WORK/tsa"
mkdir -p "$tsa"
cat > "$tsa/tsa.cnf" <<CNF
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = $tsa/serial
signer_cert = $tsa/tsa.crt
certs = $tsa/tsa.crt
signer_key = $tsa/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
[ tsa_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
CNF
echo 01 > "$tsa/serial"
{
	openssl req -x509 -newkey ed25519 -nodes -keyout "$tsa/ca.key" -out "$tsa/ca.crt" -subj "/CN=Test TSA Root" -days 3650 &&
	openssl req -x509 -newkey ed25519 -nodes -keyout "$tsa/other.key" -out "$tsa/other.crt" -subj "/CN=Another Root" -days 3650 &&
	openssl req -newkey rsa:2048 -nodes -keyout "$tsa/tsa.key" -out "$tsa/tsa.csr" -subj "/CN=Test TSA" &&
	openssl x509 -req -in "$tsa/tsa.csr" -CA "$tsa/ca.crt" -CAkey "$tsa/ca.key" -CAcreateserial \
		-out "$tsa/tsa.crt" -days 3650 -extfile "$tsa/tsa.cnf" -extensions tsa_ext
} > "$tsa/setup.log" 2>&1
check "a test TSA is made" 0 $?
"$EXHIBIT" timestamp "$signed" --request "$tsa/head.tsq" > /dev/null &&
	openssl ts -reply -config "$tsa/tsa.cnf" -queryfile "$tsa/head.tsq" -out "$tsa/head.tsr" > /dev/null 2>&1
check "a time-stamp request over the head, answered by the TSA" 0 $?
"$EXHIBIT" timestamp "$signed" --tsa-reply "$tsa/head.tsr" --tsa-cert "$tsa/other.crt" --request "$tsa/head.tsq" > /dev/null 2>&1
check "a reply is refused against a CA that did not issue the TSA's certificate" 1 $?
"$EXHIBIT" timestamp "$signed" --request "$tsa/other.tsq" --entry 2 > /dev/null
"$EXHIBIT" timestamp "$signed" --tsa-reply "$tsa/head.tsr" --tsa-cert "$tsa/ca.crt" --request "$tsa/other.tsq" > /dev/null 2>&1
check "a reply is refused for another request" 1 $?
"$EXHIBIT" timestamp "$signed" --tsa-reply "$tsa/head.tsr" --tsa-cert "$tsa/ca.crt" --request "$tsa/head.tsq" > "$tsa/attach.out" 2>&1
check "the TSA's reply is checked and kept" 0 $?
grep -q "Custody entry 6 existed at .*, says /CN=Test TSA (signature and certificate checked)" "$tsa/attach.out"
check "and says what the TSA certified" 0 $?
"$EXHIBIT" verify "$signed" --tsa-cert "$tsa/ca.crt" > "$tsa/verify.out" 2>&1
check "verify checks the time stamp against the TSA certificate" 0 $?
grep -q "^ok    time stamp 1: entry 6 existed at" "$tsa/verify.out"
check "and shows it" 0 $?
cp -r "$signed" "$WORK/stamped"
sqlite3 "$WORK/stamped/case.db" "UPDATE custody_timestamps SET reply = substr(reply, 1, length(reply) - 1) || x'00'"
"$EXHIBIT" verify "$WORK/stamped" --tsa-cert "$tsa/ca.crt" > "$tsa/bad.out" 2>&1
check "a damaged time stamp fails verification" 1 $?
grep -q "^FAIL  time stamp 1: over entry 6:" "$tsa/bad.out"
check "and is named" 0 $?

# 6. The mutation test.
"$EXHIBIT" keygen --output "$WORK/keys/other.key" --no-passphrase > /dev/null
OTHER_PUBLIC_KEY="$WORK/keys/other.key.pub" python3 "$EXHIBIT_SOURCE_DIR/tests/integration/custody_mutations.py" \
	"$signed" "$WORK" "$EXHIBIT" "${EXHIBIT_MUTATIONS:-200}" "${EXHIBIT_MUTATION_SEED:-$RANDOM}" > "$WORK/mutations.out" 2>&1
status=$?
tail -1 "$WORK/mutations.out"
[ $status -eq 0 ] || head -60 "$WORK/mutations.out"
check "every tampering is detected and named" 0 $status
"$EXHIBIT" verify "$signed" > "$WORK/pristine.out" 2>&1
check "the pristine case still verifies" 0 $?
grep FAIL "$WORK/pristine.out" | head -5

finish
