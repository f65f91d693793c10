#!/usr/bin/env bash
# check-answers.sh -- verify a training image against its answer key with
# The Sleuth Kit's own tools (mmls, fls, icat), independently of exhibit.
#
# Usage: examples/check-answers.sh OUTDIR
#
# OUTDIR is what build-training-image.sh wrote.  Checks:
#   - training.raw against training.raw.md5/.sha1/.sha256;
#   - the partition table (mmls) against training.partitions.tsv;
#   - every allocated file, directory and symlink of the answer key is listed
#     by fls -r -p with the same type and size, and icat gives the same MD5,
#     SHA-1 and SHA-256 for regular files;
#   - every deleted entry is listed by fls as deleted ("*"), where FAT names
#     that survive only as 8.3 entries are matched with their first character
#     shown as "_" (FAT overwrites it with 0xE5 on deletion), and entries that
#     TSK can only reach through $OrphanFiles are matched there;
#   - fls lists no allocated file that the answer key lacks.
# Ignored: TSK's virtual entries ($MBR, $FAT1, $FAT2, $OrphanFiles), ext4's
# lost+found and the FAT volume label entry.
# Deleted-file content is compared and reported, but never fails the check:
# recovery is not guaranteed.
# With training.E01 present, also checks that the MD5 stored in it equals the
# raw image's (ewfverify when installed, else ewfinfo).
#
# Exit status: 0 all checks passed, 1 mismatches, 2 usage or missing input.

set -euo pipefail
shopt -s inherit_errexit
export TZ=UTC PATH="$PATH:/usr/sbin:/sbin"
if LC_ALL=C.UTF-8 locale charmap 2>/dev/null | grep -qx UTF-8; then
	export LC_ALL=C.UTF-8      # so ? and ${x:1} work on characters, not bytes
else
	export LC_ALL=C
fi

die() { printf 'check-answers: error: %s\n' "$*" >&2; exit 2; }

[[ $# -eq 1 && $1 != -h && $1 != --help ]] || {
	printf 'Usage: %s OUTDIR   (the directory build-training-image.sh wrote)\n' "$0" >&2
	exit 2
}
OUT=$1
RAW=$OUT/training.raw KEY=$OUT/training.answers.tsv PARTS=$OUT/training.partitions.tsv
for f in "$RAW" "$KEY" "$PARTS"; do [[ -r $f ]] || die "cannot read $f"; done
for spec in mmls:sleuthkit fls:sleuthkit icat:sleuthkit md5sum:coreutils; do
	command -v "${spec%%:*}" >/dev/null 2>&1 ||
		die "missing tool ${spec%%:*} (Debian package: ${spec#*:})"
done

FAIL=0
declare -A COUNT=()
bump() { COUNT[$1]=$((${COUNT[$1]:-0} + 1)); }
ok() { printf '  ok        %s\n' "$*"; }
info() { printf '  note      %s\n' "$*"; }
bad() { # bad WHAT EXPECTED FOUND
	FAIL=1
	bump mismatch
	printf '  MISMATCH  %s\n    - expected: %s\n    + found:    %s\n' "$1" "$2" "$3"
}

# Tab-separated files may have empty fields; read them with a non-blank separator.
US=$'\037'
tsv() { tr '\t' "$US" <"$1" | tail -n +2; }

hash3() { # hash3 -> md5<TAB>sha1<TAB>sha256 of stdin
	local tmp m s h
	tmp=$(mktemp)
	cat >"$tmp"
	m=$(md5sum <"$tmp") s=$(sha1sum <"$tmp") h=$(sha256sum <"$tmp")
	rm -f "$tmp"
	printf '%s\t%s\t%s' "${m%% *}" "${s%% *}" "${h%% *}"
}

# --------------------------------------------------------------------------
printf '== image hashes\n'
for alg in md5 sha1 sha256; do
	if [[ -r $RAW.$alg ]]; then
		if (cd "$OUT" && "${alg}sum" --quiet -c "training.raw.$alg"); then
			ok "training.raw $alg"
		else
			bad "training.raw $alg" "$(cat "$RAW.$alg")" "$(cd "$OUT" && "${alg}sum" training.raw)"
		fi
	else
		info "no training.raw.$alg"
	fi
done

if [[ -e $OUT/training.E01 ]]; then
	raw_md5=$(cut -d' ' -f1 "$RAW.md5" 2>/dev/null || md5sum <"$RAW" | cut -d' ' -f1)
	if command -v ewfverify >/dev/null 2>&1; then
		v=$(ewfverify -q "$OUT/training.E01" 2>&1 || true)
		stored=$(sed -n 's/^MD5 hash stored in file:[[:space:]]*//p' <<<"$v")
		calc=$(sed -n 's/^MD5 hash calculated over data:[[:space:]]*//p' <<<"$v")
		if [[ $stored == "$raw_md5" && $calc == "$raw_md5" ]]; then
			ok "training.E01: stored and recomputed MD5 equal the raw MD5 ($raw_md5)"
		else
			bad "training.E01 MD5" "$raw_md5 (stored and computed)" "stored $stored, computed $calc"
		fi
	elif command -v ewfinfo >/dev/null 2>&1; then
		stored=$(ewfinfo "$OUT/training.E01" | sed -n 's/^[[:space:]]*MD5:[[:space:]]*//p')
		if [[ $stored == "$raw_md5" ]]; then
			ok "training.E01: stored MD5 equals the raw MD5 ($raw_md5)"
		else
			bad "training.E01 stored MD5" "$raw_md5" "$stored"
		fi
	else
		info "ewf-tools not installed; training.E01 not checked"
	fi
fi

# --------------------------------------------------------------------------
printf '== partition table (mmls)\n'
mmls_out=$(mmls "$RAW") || die "mmls failed on $RAW"
declare -A MM=()
while read -r _ slot start _ len _; do
	[[ $slot =~ ^[0-9]+:[0-9]+$ ]] || continue
	MM[$((10#$start))]=$((10#$len))
done <<<"$mmls_out"
declare -a P_OFF=() P_FS=()
while IFS=$US read -r idx off len type fs; do
	s=$((off / 512)) n=$((len / 512))
	P_OFF+=("$off") P_FS+=("$fs")
	if [[ ${MM[$s]-} == "$n" ]]; then
		ok "partition $idx: start $s, $n sectors, type $type ($fs)"
	else
		bad "partition $idx" "start $s length $n" "${MM[$s]:+start $s length ${MM[$s]}}${MM[$s]:-no partition starting at sector $s}"
	fi
	unset 'MM[$s]'
done < <(tsv "$PARTS")
for s in "${!MM[@]}"; do
	bad "partition table" "no partition at sector $s" "partition at $s, ${MM[$s]} sectors"
done

# --------------------------------------------------------------------------
# fls_table SECTOR -> lines: path US type US allocated US inode US size
fls_table() {
	fls -r -p -l -o "$1" "$RAW" | awk -F'\t' -v US="$US" '
	{
		head = $1; path = $2; size = $7
		alloc = (index(head, " * ") > 0) ? 0 : 1
		split(head, w, " "); tt = w[1]
		t = substr(tt, 3, 1); if (t == "-") t = substr(tt, 1, 1)
		ino = w[length(w)]; sub(/:$/, "", ino); sub(/\(.*$/, "", ino)
		print path US t US alloc US ino US size
	}'
}

ignored() { # TSK virtual entries, lost+found, the FAT volume label
	[[ $1 == '$'* || $1 == lost+found || $1 == lost+found/* || $1 == *'(Volume Label Entry)' ]]
}

# fuzzy_eq EXPECTED FOUND: equal, or equal when a component's first character
# is shown as "_" (a deleted FAT 8.3 entry) -- FOUND may be $OrphanFiles/NAME.
fuzzy_eq() {
	local -a e a
	local i
	IFS=/ read -r -a e <<<"$1"
	IFS=/ read -r -a a <<<"$2"
	if [[ ${a[0]} == "\$OrphanFiles" ]]; then
		[[ ${#a[@]} -ge 2 ]] || return 1
		a=("${a[@]:1}")
		e=("${e[@]: -${#a[@]}}")
	fi
	((${#e[@]} == ${#a[@]})) || return 1
	for i in "${!e[@]}"; do
		[[ ${e[i]} == "${a[i]}" ]] && continue
		[[ ${a[i]} == _* && ${a[i]:1} == "${e[i]:1}" ]] && continue
		return 1
	done
}

for pi in "${!P_OFF[@]}"; do
	off=${P_OFF[pi]} fs=${P_FS[pi]} sec=$((off / 512))
	printf '== partition at byte %s (%s): fls -r -p -o %s\n' "$off" "$fs" "$sec"
	declare -A A_TYPE=() A_INO=() A_SIZE=() SEEN=()
	declare -a DEL=()                 # deleted entries: path US type US inode US size
	while IFS=$US read -r path t alloc ino size; do
		if ((alloc)); then
			if ignored "$path"; then continue; fi
			A_TYPE[$path]=$t A_INO[$path]=$ino A_SIZE[$path]=$size
		else
			DEL+=("$path$US$t$US$ino$US$size")
		fi
	done < <(fls_table "$sec")
	declare -A DEL_USED=()

	while IFS=$US read -r k_off k_fs path type size allocated md5 sha1 sha256; do
		[[ $k_off == "$off" ]] || continue
		[[ $k_fs == "$fs" ]] || bad "$path" "fs_type $fs" "answer key says $k_fs"
		want="$type size=${size:-n/a}"
		if ((allocated)); then
			bump allocated
			SEEN[$path]=1
			if [[ -z ${A_TYPE[$path]+x} ]]; then
				bad "$path" "allocated $want" "not listed by fls"
				continue
			fi
			got="${A_TYPE[$path]} size=${A_SIZE[$path]}"
			if [[ ${A_TYPE[$path]} != "$type" ]]; then
				bad "$path" "$want" "$got"
				continue
			fi
			if [[ $type == d ]]; then continue; fi
			if [[ ${A_SIZE[$path]} != "$size" ]]; then
				bad "$path" "$want" "$got"
				continue
			fi
			if [[ $type == r ]]; then
				h=$(icat -o "$sec" "$RAW" "${A_INO[$path]}" | hash3)
				if [[ $h != "$md5"$'\t'"$sha1"$'\t'"$sha256" ]]; then
					bad "$path (icat inode ${A_INO[$path]})" "md5 $md5 sha256 $sha256" \
						"md5 $(cut -f1 <<<"$h") sha256 $(cut -f3 <<<"$h")"
					continue
				fi
				bump hashed
			fi
		else
			bump deleted
			# exact name first, then the FAT "_" / orphan forms
			hit="" how=""
			for i in "${!DEL[@]}"; do
				[[ -z ${DEL_USED[$i]+x} ]] || continue
				IFS=$US read -r dpath _ _ _ <<<"${DEL[i]}"
				if [[ $dpath == "$path" ]]; then hit=$i how="listed as deleted"; break; fi
			done
			if [[ -z $hit ]]; then
				for i in "${!DEL[@]}"; do
					[[ -z ${DEL_USED[$i]+x} ]] || continue
					IFS=$US read -r dpath _ _ _ <<<"${DEL[i]}"
					if fuzzy_eq "$path" "$dpath"; then
						hit=$i
						if [[ $dpath == "\$OrphanFiles/"* ]]; then
							how="listed only as orphan '$dpath'"
						else
							how="listed as deleted '$dpath'"
						fi
						break
					fi
				done
			fi
			if [[ -z $hit ]]; then
				bad "$path" "deleted $want, listed by fls with *" "not listed"
				continue
			fi
			DEL_USED[$hit]=1
			bump deleted_listed
			IFS=$US read -r dpath dtype dino dsize <<<"${DEL[hit]}"
			msg="deleted $type $path: $how"
			if [[ $dtype != "$type" && $dtype != - ]]; then
				bad "$path" "deleted $type" "deleted $dtype ($dpath)"
				continue
			fi
			if [[ $type == r ]]; then
				[[ $dsize == "$size" ]] || msg+=", size $dsize (written: $size)"
				h=$(icat -r -o "$sec" "$RAW" "$dino" 2>/dev/null | hash3) || true
				if [[ $h == "$md5"$'\t'"$sha1"$'\t'"$sha256" ]]; then
					msg+=", content recovered (hashes match)"
					bump recovered
				else
					msg+=", content NOT recovered by icat"
				fi
			fi
			info "$msg"
		fi
	done < <(tsv "$KEY")

	for path in "${!A_TYPE[@]}"; do
		[[ -n ${SEEN[$path]+x} ]] ||
			bad "$path" "(not in the answer key)" "allocated ${A_TYPE[$path]} size=${A_SIZE[$path]} inode ${A_INO[$path]}"
	done
	for i in "${!DEL[@]}"; do
		[[ -n ${DEL_USED[$i]+x} ]] && continue
		IFS=$US read -r dpath _ dino _ <<<"${DEL[i]}"
		[[ $dpath == "\$OrphanFiles/"* ]] && continue
		info "fls lists deleted '$dpath' (inode $dino), not in the answer key"
	done
	unset A_TYPE A_INO A_SIZE SEEN DEL DEL_USED
done

printf '== summary\n'
printf '  %s allocated entries checked (%s regular files hashed with icat), %s deleted entries: %s listed by fls, %s with content recovered by icat\n' \
	"${COUNT[allocated]:-0}" "${COUNT[hashed]:-0}" "${COUNT[deleted]:-0}" \
	"${COUNT[deleted_listed]:-0}" "${COUNT[recovered]:-0}"
if ((FAIL)); then
	printf '  FAILED: %s mismatches\n' "${COUNT[mismatch]}"
	exit 1
fi
printf '  PASSED\n'
