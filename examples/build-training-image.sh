#!/usr/bin/env bash
# build-training-image.sh -- build the exhibit training disk image.
#
# Usage: examples/build-training-image.sh OUTDIR
#
# Builds, without root and without loop mounts, a small MBR-partitioned disk
# image with an ext4 and a FAT32 partition full of benign test data (documents,
# pictures, videos, chat databases of several apps, deleted files), plus its
# answer key.  The raw image and the answer key are byte-identical on every
# run (see examples/README.md); only the E01 container carries the time of
# acquisition.
#
# Written into OUTDIR:
#   training.raw                 the whole disk
#   training.raw.md5/.sha1/.sha256
#   training.E01, training.E02 … the same disk as EnCase 6 segments (ewfacquire)
#   training.partitions.tsv      index, offset, length, type, fs_type
#   training.answers.tsv         one row per file/directory, allocated or deleted
#
# To add a file, add one line to build_ext4_partition or build_fat_partition,
# e.g.   printf 'hello\n' | add_file "home/anna/hello.txt" -
#        add_file "DCIM/100MEDIA/IMG_0009.JPG" "$(jpeg_photo 9 …)"
# Parent directories are created (and recorded) automatically.

set -euo pipefail
shopt -s inherit_errexit lastpipe   # lastpipe: "cmd | add_file PATH -" records in this shell

# --------------------------------------------------------------------------
# Fixed parameters.  Changing any of them changes the image bytes.
# --------------------------------------------------------------------------
readonly SECTOR=512
readonly DISK_SECTORS=163840          # 80 MiB disk
readonly P1_START=2048                # ext4: 1 MiB .. 33 MiB
readonly P1_SECTORS=65536
readonly P2_START=73728               # FAT32: 36 MiB .. 72 MiB (3 MiB gap before, 8 MiB free after)
readonly P2_SECTORS=73728
readonly MBR_LABEL_ID=0x45584831      # "EXH1"
readonly EXT4_UUID=5e1f0e1a-7a11-4e5a-9c0d-000000000001
readonly EXT4_HASH_SEED=5e1f0e1a-7a11-4e5a-9c0d-000000000002
readonly FAT_VOLUME_ID=45584832       # shown as 4558-4832
readonly BUILD_EPOCH=1709280000       # 2024-03-01 08:00:00 UTC: mkfs time
readonly E01_SEGMENT_SIZE=1MiB        # compressed data is ~5 MiB -> several segments

export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=$BUILD_EPOCH
export MTOOLS_SKIP_CHECK=1
export PATH="$PATH:/usr/sbin:/sbin"   # mkfs.*, debugfs and sfdisk live there
umask 022

die() { printf 'build-training-image: error: %s\n' "$*" >&2; exit 1; }
note() { printf 'build-training-image: %s\n' "$*" >&2; }

usage() {
	cat <<-EOF
	Usage: $0 OUTDIR

	Builds OUTDIR/training.raw, OUTDIR/training.E01 (+E02 …), hash files,
	OUTDIR/training.partitions.tsv and the answer key OUTDIR/training.answers.tsv.
	No root needed.  See examples/README.md.
	EOF
}

check_tools() {
	local spec tool pkg missing=()
	for spec in mkfs.ext4:e2fsprogs debugfs:e2fsprogs mkfs.fat:dosfstools \
		mcopy:mtools mmd:mtools mdel:mtools mdeltree:mtools \
		sfdisk:fdisk ewfacquire:ewf-tools ewfinfo:ewf-tools \
		ffmpeg:ffmpeg sqlite3:sqlite3 python3:python3 gzip:gzip \
		md5sum:coreutils sha1sum:coreutils sha256sum:coreutils \
		dd:coreutils truncate:coreutils; do
		tool=${spec%%:*} pkg=${spec#*:}
		command -v "$tool" >/dev/null 2>&1 ||
			missing+=("$tool (Debian package: $pkg)")
	done
	if ((${#missing[@]})); then
		printf 'build-training-image: error: missing tool: %s\n' "${missing[@]}" >&2
		printf 'install with: apt-get install e2fsprogs dosfstools mtools fdisk ewf-tools ffmpeg sqlite3 python3\n' >&2
		exit 1
	fi
	# mtools needs a UTF-8 locale to turn UTF-8 names into FAT long names.
	LC_ALL=C.UTF-8 locale charmap 2>/dev/null | grep -qx UTF-8 ||
		die "locale C.UTF-8 is not available (glibc >= 2.35, or package locales)"
}

# --------------------------------------------------------------------------
# The clock: every entry gets the current clock as its times, then the clock
# moves on a little.  set_clock jumps to a given UTC time.
# --------------------------------------------------------------------------
CLOCK=$BUILD_EPOCH
set_clock() { CLOCK=$(date -u -d "$1" +%s); }
tick() { CLOCK=$((CLOCK + 37)); }

# --------------------------------------------------------------------------
# The answer key, kept in insertion order.
# --------------------------------------------------------------------------
declare -a ROWS=()            # keys "offset|path" in insertion order
declare -A R_FS=() R_TYPE=() R_SIZE=() R_ALLOC=() R_HASH=()
declare -A LINKS=()           # ext4 hard-link counts by key

CUR_FS=""                     # ext4 | fat32
CUR_OFF=0                     # partition offset in bytes
CUR_IMG=""                    # the partition-sized file being built
WORK=""                       # scratch directory

record() { # record PATH TYPE SIZE HASHES
	local key="$CUR_OFF|$1"
	[[ -z ${R_TYPE[$key]+x} ]] || die "duplicate path in $CUR_FS: $1"
	ROWS+=("$key")
	R_FS[$key]=$CUR_FS R_TYPE[$key]=$2 R_SIZE[$key]=$3 R_ALLOC[$key]=1 R_HASH[$key]=$4
}

hashes_of() { # tab-separated md5, sha1, sha256 of a file
	local m s h
	m=$(md5sum <"$1") s=$(sha1sum <"$1") h=$(sha256sum <"$1")
	printf '%s\t%s\t%s' "${m%% *}" "${s%% *}" "${h%% *}"
}

check_path() {
	local p=$1
	[[ -n $p && $p != /* && $p != */ ]] || die "bad path '$p' (relative, no trailing /)"
	[[ $p != *'"'* && $p != *\\* && $p != *$'\t'* && $p != *$'\n'* ]] ||
		die "path '$p' contains a quote, backslash, tab or newline"
	[[ /$p/ != */../* && /$p/ != */./* && /$p/ != *//* ]] || die "bad path '$p'"
	if [[ $CUR_FS == fat32 && $p == *[!$'\x01'-$'\x7f']* ]]; then
		# mtools silently drops characters outside the BMP (e.g. most emoji).
		python3 -c 'import sys; sys.exit(any(ord(c) > 0xFFFF for c in sys.argv[1]))' "$p" ||
			die "'$p': FAT long names here cannot hold characters beyond U+FFFF; put it on ext4"
	fi
}

new_blob() { # new_blob [EXT] -> creates a fresh scratch file, prints its path relative to $WORK
	# (mktemp, not a counter: this runs in command substitutions.  The names
	# never reach the image.)
	local f
	f=$(mktemp --tmpdir="$WORK/blobs" --suffix="${1:+.$1}" XXXXXXXX)
	printf 'blobs/%s' "${f##*/}"
}

ensure_parents() {
	local p=$1 acc="" part
	local -a parts
	IFS=/ read -r -a parts <<<"$p"
	unset 'parts[${#parts[@]}-1]'
	for part in "${parts[@]}"; do
		acc=${acc:+$acc/}$part
		if [[ -z ${R_TYPE[$CUR_OFF|$acc]+x} ]]; then
			add_dir "$acc"
		elif [[ ${R_TYPE[$CUR_OFF|$acc]} != d ]]; then
			die "$acc is not a directory"
		fi
	done
}

# ---- ext4 back end: debugfs command batches -------------------------------
EXT4_CMDS=""
ext4_cmd() { printf '%s\n' "$@" >>"$WORK/$EXT4_CMDS"; }
ext4_times() { # ext4_times PATH MODE
	ext4_cmd "sif \"/$1\" mode $2" "sif \"/$1\" uid 1000" "sif \"/$1\" gid 1000" \
		"sif \"/$1\" atime @$CLOCK" "sif \"/$1\" mtime @$CLOCK" \
		"sif \"/$1\" ctime @$CLOCK" "sif \"/$1\" crtime @$CLOCK"
}
ext4_flush() { # run the queued debugfs commands with the fs clock at CLOCK
	[[ -s $WORK/$EXT4_CMDS ]] || return 0
	if ! (cd "$WORK" && E2FSPROGS_FAKE_TIME=$CLOCK debugfs -w -f "$EXT4_CMDS" "$CUR_IMG" \
		>debugfs.out 2>debugfs.err); then
		cat "$WORK/debugfs.err" >&2; die "debugfs failed"
	fi
	# debugfs -f keeps going after a failed command; anything on stderr but
	# its banner is an error.
	if grep -v '^debugfs [0-9.]* (' "$WORK/debugfs.err" >&2; then
		die "debugfs reported errors (commands in $WORK/$EXT4_CMDS)"
	fi
	: >"$WORK/$EXT4_CMDS"
}

# ---- the helpers the partition functions use --------------------------------

# add_dir PATH
add_dir() {
	local p=$1
	check_path "$p"
	ensure_parents "$p"
	case $CUR_FS in
	ext4) ext4_cmd "cd /" "mkdir \"$p\""; ext4_times "$p" 040755 ;;
	fat32) LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=$CLOCK mmd -i "$CUR_IMG" "::/$p" ;;
	esac
	record "$p" d "" $'\t\t'
	tick
}

# add_file PATH SRC   -- SRC is a file on the build host, or - for stdin
add_file() {
	local p=$1 src=$2 blob dir base size
	check_path "$p"
	ensure_parents "$p"
	blob=$(new_blob)
	if [[ $src == - ]]; then cat >"$WORK/$blob"; else cp -- "$src" "$WORK/$blob"; fi
	size=$(stat -c %s "$WORK/$blob")
	case $CUR_FS in
	ext4)
		dir=${p%/*} base=${p##*/}
		[[ $dir == "$p" ]] && dir=""
		ext4_cmd "cd \"/$dir\"" "write \"$blob\" \"$base\"" "cd /"
		ext4_times "$p" 0100644
		;;
	fat32)
		touch -d "@$CLOCK" "$WORK/$blob"
		LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=$CLOCK mcopy -m -i "$CUR_IMG" "$WORK/$blob" "::/$p"
		;;
	esac
	record "$p" r "$size" "$(hashes_of "$WORK/$blob")"
	tick
}

# add_symlink PATH TARGET   (ext4 only)
add_symlink() {
	local p=$1 target=$2
	[[ $CUR_FS == ext4 ]] || die "symlinks only on ext4"
	check_path "$p"
	ensure_parents "$p"
	ext4_cmd "cd /" "symlink \"/$p\" \"$target\""
	ext4_times "$p" 0120777
	# size is the length of the target; no hashes (TSK's icat does not
	# return the target of a fast symlink).
	record "$p" l "$(printf '%s' "$target" | wc -c)" $'\t\t'
	tick
}

# add_hardlink PATH EXISTING   (ext4 only)
add_hardlink() {
	local p=$1 existing=$2 key="$CUR_OFF|$2"
	[[ $CUR_FS == ext4 ]] || die "hard links only on ext4"
	[[ ${R_TYPE[$key]-} == r ]] || die "hard link target $existing is not a regular file"
	check_path "$p"
	ensure_parents "$p"
	LINKS[$key]=$((${LINKS[$key]:-1} + 1))
	ext4_cmd "ln \"/$existing\" \"/$p\"" "sif \"/$existing\" links_count ${LINKS[$key]}"
	record "$p" r "${R_SIZE[$key]}" "${R_HASH[$key]}"
}

# delete_path PATH   -- a file, or a directory with everything below it.
# Delete last in a partition function: later writes may reuse what was freed.
delete_path() {
	local p=$1 key="$CUR_OFF|$1" k n=0
	local -a victims=()
	[[ -n ${R_TYPE[$key]+x} ]] || die "delete_path: $p was never added"
	for k in "${ROWS[@]}"; do
		[[ $k == "$key" || $k == "$key"/* ]] && victims+=("$k")
	done
	for k in "${victims[@]}"; do
		[[ -n ${LINKS[$k]+x} ]] && die "delete_path: $p has hard links; not supported"
	done
	case $CUR_FS in
	ext4)
		ext4_flush
		# deepest first; the dtime is the clock now.
		for ((n = ${#victims[@]} - 1; n >= 0; n--)); do
			k=${victims[n]#*|}
			if [[ ${R_TYPE[${victims[n]}]} == d ]]; then
				ext4_cmd "rmdir \"/$k\""
			else
				ext4_cmd "rm \"/$k\""
			fi
		done
		ext4_flush
		;;
	fat32)
		if [[ ${R_TYPE[$key]} == d ]]; then
			LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=$CLOCK mdeltree -i "$CUR_IMG" "::/$p"
		else
			LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=$CLOCK mdel -i "$CUR_IMG" "::/$p"
		fi
		;;
	esac
	for k in "${victims[@]}"; do R_ALLOC[$k]=0; done
	tick
}

# --------------------------------------------------------------------------
# Content generators.  All output is a pure function of the arguments.
# --------------------------------------------------------------------------
write_gen_py() {
	cat >"$WORK/gen.py" <<'PY'
"""Deterministic content generators for build-training-image.sh."""
import hashlib, io, struct, sys, zipfile

out = sys.stdout.buffer

def stream(seed, n):
    """n pseudo-random bytes: SHA-256 in counter mode over the seed."""
    buf, i = bytearray(), 0
    while len(buf) < n:
        buf += hashlib.sha256(f"{seed}:{i}".encode()).digest()
        i += 1
    return bytes(buf[:n])

def cmd_bytes(seed, size):
    size = int(size)
    for off in range(0, size, 1 << 20):
        out.write(stream(f"{seed}@{off}", min(1 << 20, size - off)))

def cmd_pdf(title, *lines):
    """A minimal but valid one-page PDF 1.4 with a correct xref table."""
    def esc(s):
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    text = ["BT /F1 18 Tf 72 770 Td (%s) Tj ET" % esc(title)]
    y = 740
    for line in lines:
        text.append("BT /F1 11 Tf 72 %d Td (%s) Tj ET" % (y, esc(line)))
        y -= 16
    content = "\n".join(text).encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        ("<< /Title (%s) /Producer (exhibit training image) "
         "/CreationDate (D:20240302093000Z) >>" % esc(title)).encode("latin-1"),
    ]
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for n, body in enumerate(objs, 1):
        offs.append(len(pdf))
        pdf += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        pdf += b"%010d 00000 n \n" % o
    pdf += (b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, xref))
    out.write(pdf)

def cmd_zip(*args):
    """zip NAME CONTENT [NAME CONTENT ...]; a NAME ending in / is a folder."""
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in zip(args[0::2], args[1::2]):
            zi = zipfile.ZipInfo(name, date_time=(2024, 3, 2, 9, 30, 0))
            zi.create_system = 3
            if name.endswith("/"):
                zi.external_attr = (0o40755 << 16) | 0x10
                z.writestr(zi, b"")
            else:
                zi.external_attr = 0o100644 << 16
                zi.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(zi, data.encode())
    out.write(bio.getvalue())

def cmd_exif(make, model, when):
    """Copy a JPEG from stdin to stdout with an Exif APP1 segment
    (Make, Model, DateTime, DateTimeOriginal, DateTimeDigitized) after APP0.
    when is 'YYYY:MM:DD HH:MM:SS'."""
    jpg = sys.stdin.buffer.read()
    assert jpg[:2] == b"\xff\xd8", "not a JPEG"
    def asc(s):
        return s.encode() + b"\0"
    ifd0 = [(0x010F, asc(make)), (0x0110, asc(model)), (0x0132, asc(when))]
    exif = [(0x9003, asc(when)), (0x9004, asc(when))]
    n0 = len(ifd0) + 1                       # + ExifIFD pointer
    ifd0_size = 2 + 12 * n0 + 4
    data0 = 8 + ifd0_size                    # values of IFD0 follow it
    vals0 = b"".join(v for _, v in ifd0)
    exif_off = data0 + len(vals0)
    exif_size = 2 + 12 * len(exif) + 4
    data1 = exif_off + exif_size
    def entries(items, base):
        b, off = b"", base
        for tag, v in items:
            if len(v) <= 4:
                b += struct.pack("<HHI", tag, 2, len(v)) + v.ljust(4, b"\0")
            else:
                b += struct.pack("<HHII", tag, 2, len(v), off)
                off += len(v)
        return b
    tiff = b"II*\0" + struct.pack("<I", 8)
    tiff += struct.pack("<H", n0) + entries(ifd0, data0)
    tiff += struct.pack("<HHII", 0x8769, 4, 1, exif_off) + struct.pack("<I", 0)
    tiff += vals0
    tiff += struct.pack("<H", len(exif)) + entries(exif, data1) + struct.pack("<I", 0)
    tiff += b"".join(v for _, v in exif)
    app1 = b"Exif\0\0" + tiff
    seg = b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1
    pos = 2
    if jpg[2:4] == b"\xff\xe0":              # keep JFIF APP0 first
        pos = 4 + struct.unpack(">H", jpg[4:6])[0]
    out.write(jpg[:pos] + seg + jpg[pos:])

def cmd_results(seed, rows):
    """A large, compressible CSV of made-up amateur league results."""
    teams = ["Riverside Rovers", "Northgate FC", "Old Mill United", "Canal Street",
             "Park Lane Wanderers", "St Anne's Athletic", "Harbour Town", "Hillside"]
    r = stream(seed, int(rows) * 4)
    out.write(b"season,matchday,home,away,home_goals,away_goals,pitch\n")
    for i in range(int(rows)):
        a, b, c, d = r[4 * i:4 * i + 4]
        h, w = teams[a % 8], teams[(a % 8 + 1 + b % 7) % 8]
        out.write(("%d,%d,%s,%s,%d,%d,%d\n" % (2000 + i * 25 // int(rows), i % 30 + 1,
                                               h, w, c % 6, d % 5, 1 + (a ^ b) % 4)).encode())

def tl_string(s):
    b = s.encode()
    head = bytes([len(b)]) if len(b) < 254 else b"\xfe" + struct.pack("<I", len(b))[:3]
    pad = (-(len(head) + len(b))) % 4
    return head + b + b"\0" * pad

def cmd_tgmsg(mid, from_uid, peer_uid, date, is_out, text):
    """Hex of a Telegram TL blob shaped like message#38116ee0: flags (out=bit1,
    from_id=bit8), id, from_id peerUser, peer_id peerUser, date, message."""
    flags = (2 if int(is_out) else 0) | 256
    b = struct.pack("<Ii", 0x38116ee0, flags) + struct.pack("<i", int(mid))
    b += struct.pack("<Iq", 0x59511722, int(from_uid))
    b += struct.pack("<Iq", 0x59511722, int(peer_uid))
    b += struct.pack("<i", int(date)) + tl_string(text)
    sys.stdout.write(b.hex())

def cmd_tguser(uid, first, last, username, phone):
    """Hex of a Telegram TL blob shaped like user#8f97c628 (flags, id,
    access_hash, first_name, last_name, username, phone)."""
    flags = 1 | 2 | 4 | 8 | 16
    b = struct.pack("<Ii", 0x8f97c628, flags) + struct.pack("<q", int(uid))
    b += struct.pack("<q", int(hashlib.sha256(uid.encode()).hexdigest()[:15], 16))
    for s in (first, last, username, phone):
        b += tl_string(s)
    sys.stdout.write(b.hex())

globals()["cmd_" + sys.argv[1]](*sys.argv[2:])
PY
}
gen() { python3 "$WORK/gen.py" "$@"; }

FF=(ffmpeg -nostdin -hide_banner -loglevel error -y -threads 1 -filter_threads 1)
FF_EXACT=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1
	-map_chapters -1)

# png_image SOURCE WxH -> prints the path of a new PNG (lavfi SOURCE)
png_image() {
	local out
	out=$(new_blob png)
	"${FF[@]}" -f lavfi -i "$1=size=$2:rate=1" -frames:v 1 "${FF_EXACT[@]}" \
		-c:v png "$WORK/$out"
	printf '%s/%s' "$WORK" "$out"
}

# jpeg_photo SOURCE WxH 'YYYY:MM:DD HH:MM:SS' MAKE MODEL -> path of a new JPEG with Exif
jpeg_photo() {
	local out raw
	raw=$(new_blob jpg) out=$(new_blob jpg)
	"${FF[@]}" -f lavfi -i "$1=size=$2:rate=1" -frames:v 1 "${FF_EXACT[@]}" \
		-c:v mjpeg -pix_fmt yuvj420p -q:v 4 "$WORK/$raw"
	gen exif "$4" "$5" "$3" <"$WORK/$raw" >"$WORK/$out"
	printf '%s/%s' "$WORK" "$out"
}

# video EXT SECONDS VIDEO_SOURCE TONE_HZ -> path of a new short video
# mp4: H.264+AAC, mkv: MPEG-4 part 2+MP3, webm: VP8+Vorbis, avi: MJPEG+PCM
video() {
	local ext=$1 secs=$2 src=$3 hz=$4 out
	local -a codecs
	out=$(new_blob "$ext")
	case $ext in
	mp4) codecs=(-c:v libx264 -preset veryfast -crf 30 -pix_fmt yuv420p -c:a aac -b:a 64k) ;;
	mov) codecs=(-c:v libx264 -preset veryfast -crf 30 -pix_fmt yuv420p -c:a aac -b:a 64k) ;;
	mkv) codecs=(-c:v mpeg4 -q:v 8 -c:a libmp3lame -b:a 64k) ;;
	webm) codecs=(-c:v libvpx -deadline good -cpu-used 4 -b:v 200k -c:a libvorbis -q:a 2) ;;
	avi) codecs=(-c:v mjpeg -q:v 8 -pix_fmt yuvj420p -c:a pcm_s16le -ar 22050) ;;
	*) die "video: unknown container $ext" ;;
	esac
	"${FF[@]}" -f lavfi -i "$src=size=320x240:rate=15:duration=$secs" \
		-f lavfi -i "sine=frequency=$hz:sample_rate=44100:duration=$secs" \
		"${codecs[@]}" "${FF_EXACT[@]}" -shortest "$WORK/$out"
	printf '%s/%s' "$WORK" "$out"
}

# sqlite_db -> reads SQL on stdin, prints the path of the new database file
sqlite_db() {
	local out
	out=$(new_blob db)
	{ printf 'PRAGMA journal_mode=DELETE;\n'; cat; } |
		sqlite3 -init /dev/null -batch -bail "$WORK/$out" >/dev/null
	[[ ! -e $WORK/$out-wal && ! -e $WORK/$out-journal ]] || die "sqlite left a journal"
	printf '%s/%s' "$WORK" "$out"
}

# --------------------------------------------------------------------------
# The training scenario: Anna Berger (device owner, +44 7700 900123),
# Ben Okafor (+44 7700 900456) and Chris Dale (+44 7700 900789) arrange a
# five-a-side football match on Sunday 10 March 2024.  All numbers are
# Ofcom's reserved drama numbers; all people are invented.
# --------------------------------------------------------------------------
ms() { printf '%s000' "$(date -u -d "$1" +%s)"; }
unix() { date -u -d "$1" +%s; }
apple_ns() { printf '%s000000000' "$(($(date -u -d "$1" +%s) - 978307200))"; }

sql_android_sms() {
	cat <<-EOF
	CREATE TABLE android_metadata (locale TEXT);
	INSERT INTO android_metadata VALUES('en_GB');
	CREATE TABLE canonical_addresses (_id INTEGER PRIMARY KEY AUTOINCREMENT,address TEXT);
	CREATE TABLE threads (_id INTEGER PRIMARY KEY AUTOINCREMENT,date INTEGER DEFAULT 0,message_count INTEGER DEFAULT 0,recipient_ids TEXT,snippet TEXT,snippet_cs INTEGER DEFAULT 0,read INTEGER DEFAULT 1,archived INTEGER DEFAULT 0,type INTEGER DEFAULT 0,error INTEGER DEFAULT 0,has_attachment INTEGER DEFAULT 0);
	CREATE TABLE sms (_id INTEGER PRIMARY KEY,thread_id INTEGER,address TEXT,person INTEGER,date INTEGER,date_sent INTEGER DEFAULT 0,protocol INTEGER,read INTEGER DEFAULT 0,status INTEGER DEFAULT -1,type INTEGER,reply_path_present INTEGER,subject TEXT,body TEXT,service_center TEXT,locked INTEGER DEFAULT 0,sub_id INTEGER DEFAULT -1,error_code INTEGER DEFAULT 0,creator TEXT,seen INTEGER DEFAULT 0);
	CREATE INDEX typeThreadIdIndex ON sms (type, thread_id);
	INSERT INTO canonical_addresses VALUES(1,'+447700900456');
	INSERT INTO canonical_addresses VALUES(2,'+447700900789');
	INSERT INTO sms VALUES(1,1,'+447700900456',NULL,$(ms '2024-03-06 18:02:11'),$(ms '2024-03-06 18:02:09'),0,1,-1,1,0,NULL,'Hi Anna, are you still up for five-a-side on Sunday?','+447782000800',0,1,0,'com.android.messaging',1);
	INSERT INTO sms VALUES(2,1,'+447700900456',NULL,$(ms '2024-03-06 18:05:40'),0,NULL,1,-1,2,NULL,NULL,'Yes! What time and where?',NULL,0,1,0,'com.android.messaging',1);
	INSERT INTO sms VALUES(3,1,'+447700900456',NULL,$(ms '2024-03-06 18:07:02'),$(ms '2024-03-06 18:07:00'),0,1,-1,1,0,NULL,'Riverside Park, pitch 3, 10:00. I have booked it until 11:30.','+447782000800',0,1,0,'com.android.messaging',1);
	INSERT INTO sms VALUES(4,1,'+447700900456',NULL,$(ms '2024-03-06 18:10:13'),0,NULL,1,-1,2,NULL,NULL,'Great. I will bring the ball and the pump.',NULL,0,1,0,'com.android.messaging',1);
	INSERT INTO sms VALUES(5,1,'+447700900456',NULL,$(ms '2024-03-06 18:11:30'),$(ms '2024-03-06 18:11:28'),0,1,-1,1,0,NULL,'Perfect. Can you ask Chris if he can play in goal?','+447782000800',0,1,0,'com.android.messaging',1);
	INSERT INTO sms VALUES(6,1,'+447700900456',NULL,$(ms '2024-03-06 18:12:05'),0,NULL,1,-1,2,NULL,NULL,'Sure, I will ask him tonight.',NULL,0,1,0,'com.android.messaging',1);
	INSERT INTO sms VALUES(7,2,'+447700900789',NULL,$(ms '2024-03-09 08:30:00'),$(ms '2024-03-09 08:29:58'),0,0,-1,1,0,NULL,'Reminder: tomorrow 9:45 at the car park. Chris','+447782000800',0,1,0,'com.android.messaging',0);
	-- a deleted row whose bytes stay in the page (Debian builds sqlite3 with
	-- secure_delete on by default)
	PRAGMA secure_delete = OFF;
	DELETE FROM sms WHERE _id = 6;
	INSERT INTO threads VALUES(1,$(ms '2024-03-06 18:11:30'),5,'1','Perfect. Can you ask Chris if he can play in goal?',0,1,0,0,0,0);
	INSERT INTO threads VALUES(2,$(ms '2024-03-09 08:30:00'),1,'2','Reminder: tomorrow 9:45 at the car park. Chris',0,0,0,0,0,0);
	PRAGMA user_version = 67;
	EOF
}

# sql_whatsapp N -- the classic msgstore.db schema with the first N messages
sql_whatsapp() {
	local n=$1 ben=447700900456@s.whatsapp.net chris=447700900789@s.whatsapp.net
	local grp=447700900123-1709838000@g.us
	cat <<-EOF
	CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL, key_from_me INTEGER, key_id TEXT NOT NULL, status INTEGER, needs_push INTEGER, data TEXT, timestamp INTEGER, media_url TEXT, media_mime_type TEXT, media_wa_type TEXT, media_size INTEGER, media_name TEXT, media_caption TEXT, media_hash TEXT, media_duration INTEGER, origin INTEGER, latitude REAL, longitude REAL, thumb_image TEXT, remote_resource TEXT, received_timestamp INTEGER, send_timestamp INTEGER, receipt_server_timestamp INTEGER, receipt_device_timestamp INTEGER, read_device_timestamp INTEGER, played_device_timestamp INTEGER, raw_data BLOB, recipient_count INTEGER, participant_hash TEXT, starred INTEGER, quoted_row_id INTEGER, mentioned_jids TEXT, multicast_id TEXT, edit_version INTEGER, media_enc_hash TEXT, payment_transaction_id TEXT, forwarded INTEGER, preview_type INTEGER, send_count INTEGER);
	CREATE UNIQUE INDEX messages_key_index ON messages (key_remote_jid, key_from_me, key_id);
	CREATE TABLE chat_list (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT UNIQUE, message_table_id INTEGER, subject TEXT, creation INTEGER, last_read_message_table_id INTEGER, last_read_receipt_sent_message_table_id INTEGER, archived INTEGER, sort_timestamp INTEGER, mod_tag INTEGER, gen REAL, my_messages INTEGER, plaintext_disabled BOOLEAN, last_message_table_id INTEGER, unseen_message_count INTEGER, unseen_missed_calls_count INTEGER, unseen_row_count INTEGER, vcard_ui_dismissed INTEGER, deleted_message_id INTEGER, deleted_starred_message_id INTEGER, deleted_message_categories TEXT, change_number_notified_message_id INTEGER, last_important_message_table_id INTEGER, show_group_description INTEGER);
	CREATE TABLE group_participants (_id INTEGER PRIMARY KEY AUTOINCREMENT, gjid TEXT NOT NULL, jid TEXT NOT NULL, admin INTEGER, pending INTEGER, sent_sender_key INTEGER);
	INSERT INTO messages (key_remote_jid, key_from_me, key_id, status, needs_push, data, timestamp, media_wa_type, media_size, origin, remote_resource, received_timestamp, send_timestamp, receipt_server_timestamp, receipt_device_timestamp, starred, forwarded, send_count) VALUES('-1',0,'-1',-1,0,NULL,0,'-1',0,0,NULL,0,-1,-1,-1,0,0,0);
	EOF
	local -a msgs=(
		"$ben|0|3EB0C0A1E5D2F7A0B1C2|Bibs are in my car, I will bring them|2024-03-07 12:30:05|"
		"$ben|1|3EB0C0A1E5D2F7A0B1C3|Thanks! Chris is in for goal 🙌|2024-03-07 12:32:41|"
		"$grp|1|3EB0C0A1E5D2F7A0B1C4|Sunday 10:00, Riverside Park pitch 3. Who is in? ⚽|2024-03-07 19:00:00|"
		"$grp|0|3EB0C0A1E5D2F7A0B1C5|In.|2024-03-07 19:01:12|$ben"
		"$grp|0|3EB0C0A1E5D2F7A0B1C6|In, bringing my gloves 🧤|2024-03-07 19:04:30|$chris"
		"$grp|1|3EB0C0A1E5D2F7A0B1C7|Great, we have 8 so far. Teams on the day.|2024-03-07 19:06:02|"
	)
	local i jid fromme kid text when res t rr
	for ((i = 0; i < n && i < ${#msgs[@]}; i++)); do
		IFS='|' read -r jid fromme kid text when res <<<"${msgs[i]}"
		t=$(ms "$when") rr=NULL
		[[ -n $res ]] && rr="'$res'"
		printf "INSERT INTO messages (key_remote_jid, key_from_me, key_id, status, needs_push, data, timestamp, media_wa_type, media_size, origin, remote_resource, received_timestamp, send_timestamp, receipt_server_timestamp, receipt_device_timestamp, starred, forwarded, send_count) VALUES('%s',%s,'%s',%s,0,'%s',%s,'0',0,0,%s,%s,-1,%s,-1,0,0,%s);\n" \
			"$jid" "$fromme" "$kid" "$((fromme ? 13 : 0))" "$text" "$t" "$rr" "$((t + 400))" "$((t + 900))" "$fromme"
	done
	cat <<-EOF
	INSERT INTO chat_list (key_remote_jid, message_table_id, subject, creation, last_read_message_table_id, archived, sort_timestamp, my_messages, plaintext_disabled, last_message_table_id, unseen_message_count) VALUES('$ben',(SELECT max(_id) FROM messages WHERE key_remote_jid='$ben'),NULL,NULL,(SELECT max(_id) FROM messages WHERE key_remote_jid='$ben'),0,$(ms '2024-03-07 12:32:41'),1,1,(SELECT max(_id) FROM messages WHERE key_remote_jid='$ben'),0);
	EOF
	if ((n > 2)); then
		cat <<-EOF
		INSERT INTO chat_list (key_remote_jid, message_table_id, subject, creation, last_read_message_table_id, archived, sort_timestamp, my_messages, plaintext_disabled, last_message_table_id, unseen_message_count) VALUES('$grp',(SELECT max(_id) FROM messages WHERE key_remote_jid='$grp'),'Sunday Football ⚽',$(ms '2024-03-07 18:55:00'),(SELECT max(_id) FROM messages WHERE key_remote_jid='$grp'),0,$(ms '2024-03-07 19:06:02'),1,1,(SELECT max(_id) FROM messages WHERE key_remote_jid='$grp'),0);
		INSERT INTO group_participants (gjid, jid, admin, pending, sent_sender_key) VALUES('$grp','',2,0,1);
		INSERT INTO group_participants (gjid, jid, admin, pending, sent_sender_key) VALUES('$grp','$ben',0,0,1);
		INSERT INTO group_participants (gjid, jid, admin, pending, sent_sender_key) VALUES('$grp','$chris',0,0,1);
		EOF
	fi
	printf 'PRAGMA user_version = 1;\n'
}

sql_telegram() {
	local anna=5010000123 ben=5010000456 m
	cat <<-EOF
	CREATE TABLE users(uid INTEGER PRIMARY KEY, name TEXT, status INTEGER, data BLOB);
	CREATE TABLE messages(mid INTEGER, uid INTEGER, read_state INTEGER, send_state INTEGER, date INTEGER, data BLOB, out INTEGER, ttl INTEGER, media INTEGER, replydata BLOB, imp INTEGER, mention INTEGER, PRIMARY KEY(mid, uid));
	CREATE INDEX uid_mid_read_out_idx_messages ON messages(uid, mid, read_state, out);
	CREATE INDEX uid_date_mid_idx_messages ON messages(uid, date, mid);
	CREATE TABLE dialogs(did INTEGER PRIMARY KEY, date INTEGER, unread_count INTEGER, last_mid INTEGER, inbox_max INTEGER, outbox_max INTEGER, last_mid_i INTEGER, unread_count_i INTEGER, pts INTEGER, date_i INTEGER, pinned INTEGER, flags INTEGER, folder_id INTEGER, data BLOB, unread_reactions INTEGER, last_mid_group INTEGER, ttl_period INTEGER);
	INSERT INTO users VALUES($anna,'anna berger;;;annab_fc',$(unix '2024-03-08 09:20:00'),X'$(gen tguser $anna Anna Berger annab_fc 447700900123)');
	INSERT INTO users VALUES($ben,'ben okafor;;;benokafor',$(unix '2024-03-08 09:21:00'),X'$(gen tguser $ben Ben Okafor benokafor 447700900456)');
	EOF
	m() { # m MID FROM OUT 'DATE' TEXT
		local d
		d=$(unix "$4")
		printf "INSERT INTO messages VALUES(%s,%s,3,0,%s,X'%s',%s,0,0,NULL,0,0);\n" \
			"$1" "$ben" "$d" "$(gen tgmsg "$1" "$2" "$ben" "$d" "$3" "$5")" "$3"
	}
	m 101 $ben 0 '2024-03-08 09:15:02' 'Weather looks dry for Sunday ☀️'
	m 102 $anna 1 '2024-03-08 09:20:17' 'Good. Meet at the car park at 9:45?'
	m 103 $ben 0 '2024-03-08 09:21:40' 'Deal. Bring some water, the fountain is broken.'
	unset -f m
	printf 'INSERT INTO dialogs VALUES(%s,%s,0,103,103,102,0,0,7,0,0,0,0,NULL,0,0,0);\n' \
		"$ben" "$(unix '2024-03-08 09:21:40')"
	printf 'PRAGMA user_version = 107;\n'
}

sql_ios_sms() {
	cat <<-EOF
	CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key));
	INSERT INTO _SqliteDatabaseProperties VALUES('_ClientVersion','14006');
	CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service));
	CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT, room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0, last_addressed_handle TEXT, display_name TEXT, group_id TEXT, is_filtered INTEGER DEFAULT 0, successful_query INTEGER);
	CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0, is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0, is_auto_reply INTEGER DEFAULT 0, is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_system_message INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0, is_service_message INTEGER DEFAULT 0, is_forward INTEGER DEFAULT 0, was_downgraded INTEGER DEFAULT 0, is_archive INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT, was_data_detected INTEGER DEFAULT 0, was_deduplicated INTEGER DEFAULT 0, is_audio_message INTEGER DEFAULT 0, is_played INTEGER DEFAULT 0, date_played INTEGER, item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT, group_action_type INTEGER DEFAULT 0, share_status INTEGER DEFAULT 0, share_direction INTEGER DEFAULT 0, is_expirable INTEGER DEFAULT 0, expire_state INTEGER DEFAULT 0, message_action_type INTEGER DEFAULT 0, message_source INTEGER DEFAULT 0);
	CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
	CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));
	INSERT INTO handle VALUES(1,'+447700900789','gb','iMessage','07700 900789',NULL);
	INSERT INTO chat VALUES(1,'iMessage;-;+447700900789',45,3,'E:anna@example.org',NULL,'+447700900789','iMessage',NULL,'E:anna@example.org',0,'+447700900123',NULL,'6D1A0B6B-2F7C-4C7E-9E8E-000000000001',0,1);
	INSERT INTO chat_handle_join VALUES(1,1);
	EOF
	local -a msgs=(
		"0|Hi Anna, Ben says you need a keeper on Sunday?|2024-03-07 20:10:03"
		"1|Yes please! 10:00 at Riverside Park.|2024-03-07 20:12:45"
		"0|Count me in. Can I bring my brother Dev?|2024-03-07 20:15:09"
		"1|Of course, the more the merrier.|2024-03-07 20:16:30"
	)
	local i me text when d
	for i in "${!msgs[@]}"; do
		IFS='|' read -r me text when <<<"${msgs[i]}"
		d=$(apple_ns "$when")
		printf "INSERT INTO message (ROWID, guid, text, handle_id, service, account, account_guid, date, date_read, date_delivered, is_delivered, is_finished, is_from_me, is_read, is_sent) VALUES(%d,'8E2F5A1C-7B3D-4E6F-A1B2-%012d','%s',1,'iMessage','E:anna@example.org','A1B2C3D4-0000-4000-8000-00000000A11E',%s,%s,%s,1,1,%d,%d,%d);\n" \
			$((i + 1)) $((i + 1)) "$text" "$d" "$((me ? 0 : d + 60000000000))" "$((me ? d + 2000000000 : 0))" "$me" "$((1 - me))" "$me"
		printf 'INSERT INTO chat_message_join VALUES(1,%d,%s);\n' $((i + 1)) "$d"
	done
}

# --------------------------------------------------------------------------
# Partition 1: ext4, an Android/Linux style user data partition.
# --------------------------------------------------------------------------
build_ext4_partition() {
	fs_begin ext4 $P1_START $P1_SECTORS
	mkfs.ext4 -q -F -t ext4 -b 4096 -I 256 -m 1 -L userdata \
		-U "$EXT4_UUID" -E "hash_seed=$EXT4_HASH_SEED,root_owner=0:0,lazy_itable_init=0,nodiscard" \
		"$CUR_IMG" || die "mkfs.ext4 failed"

	set_clock '2024-03-01 09:00:00'
	add_dir home
	add_dir home/anna
	printf 'milk\neggs\nshin pads\nenergy bars\nwater (6 bottles)\n' |
		add_file "home/anna/Documents/shopping list.txt" -
	printf 'name,position,phone,paid\nAnna Berger,midfield,+44 7700 900123,yes\nBen Okafor,defence,+44 7700 900456,yes\nChris Dale,goal,+44 7700 900789,no\nDev Dale,attack,,no\n' |
		add_file home/anna/Documents/team-roster.csv -
	cat <<-'EOF' | add_file home/anna/Documents/match-settings.json -
	{
	  "match": "Sunday five-a-side",
	  "date": "2024-03-10T10:00:00Z",
	  "venue": {"name": "Riverside Park", "pitch": 3, "booked_until": "11:30"},
	  "players": ["Anna", "Ben", "Chris", "Dev"],
	  "bring": {"ball": "Anna", "pump": "Anna", "bibs": "Ben"}
	}
	EOF
	cat <<-'EOF' | add_file "home/anna/Documents/saved/Riverside Park – Booking.html" -
	<!DOCTYPE html>
	<html lang="en"><head><meta charset="utf-8"><title>Booking confirmed – Riverside Park</title></head>
	<body><h1>Booking confirmed</h1>
	<p>Pitch 3, Sunday 10 March 2024, 10:00–11:30.</p>
	<p>Booking reference: RP-2024-0310-003. Name: A. Berger.</p>
	</body></html>
	EOF
	gen pdf 'Rules of Five-a-side' 'Five players per team, rolling substitutions.' \
		'No slide tackles. Ball above head height is a free kick.' \
		'Matches are 2 x 20 minutes.' | add_file "home/anna/Documents/Rules of Five-a-side.pdf" -
	gen zip 'club/' '' 'club/minutes-2024-02.txt' 'Minutes of the February meeting: new bibs ordered.' \
		'club/fixtures.txt' '10 Mar Riverside Park; 17 Mar Northgate; 24 Mar away' \
		'README.txt' 'Club archive, exported for Anna.' | add_file home/anna/Documents/club-archive.zip -
	printf '2024-03-06T18:00:00Z sync started\n2024-03-06T18:00:04Z 12 contacts synced\n2024-03-06T18:00:05Z sync finished\n' |
		gzip -n -9 | add_file home/anna/Documents/logs/sync.log.gz -
	add_file home/anna/Documents/notes.txt "$(png_image testsrc2 160x120)"  # a PNG that claims to be text
	: | add_file home/anna/Documents/untitled.txt -                        # an empty file
	gen results league 36000 | add_file home/anna/Documents/league-results-2000-2024.csv -
	add_file "home/anna/Pictures/🎉 Party/group photo.jpg" \
		"$(jpeg_photo smptehdbars 640x360 '2024:03:02 21:14:05' Google 'Pixel 7')"
	add_hardlink home/anna/Desktop/roster.csv home/anna/Documents/team-roster.csv
	add_symlink home/anna/Desktop/match.json ../Documents/match-settings.json
	printf 'Draft: could we move the match to 11:00?\n' | add_file home/anna/Documents/draft-message.txt -

	set_clock '2024-03-06 17:30:00'
	add_file data/data/com.android.providers.telephony/databases/mmssms.db "$(sql_android_sms | sqlite_db)"
	add_file media/0/WhatsApp/Databases/msgstore-2024-03-06.1.db "$(sql_whatsapp 1 | sqlite_db)"
	set_clock '2024-03-07 19:10:00'
	add_file data/data/com.whatsapp/databases/msgstore.db "$(sql_whatsapp 6 | sqlite_db)"
	set_clock '2024-03-07 20:20:00'
	add_file private/var/mobile/Library/SMS/sms.db "$(sql_ios_sms | sqlite_db)"
	set_clock '2024-03-08 09:25:00'
	add_file data/data/org.telegram.messenger/files/cache4.db "$(sql_telegram | sqlite_db)"

	set_clock '2024-03-09 18:12:00'
	add_file media/0/DCIM/Camera/IMG_20240309_181200.jpg \
		"$(jpeg_photo testsrc2 640x480 '2024:03:09 18:12:00' Google 'Pixel 7')"
	add_file media/0/DCIM/Camera/VID_20240309_181500.mp4 "$(video mp4 2 testsrc2 330)"
	set_clock '2024-03-10 10:15:02'
	add_file media/0/DCIM/Camera/IMG_20240310_101502.jpg \
		"$(jpeg_photo rgbtestsrc 640x480 '2024:03:10 10:15:02' Google 'Pixel 7')"
	add_file media/0/DCIM/Camera/VID_20240310_103000.mp4 "$(video mp4 3 smptebars 440)"
	ext4_flush

	# Deleted after being written: their inodes keep size and (debugfs does
	# not clear extents) block pointers; the names stay in the directory.
	set_clock '2024-03-11 07:45:00'
	delete_path media/0/DCIM/Camera/IMG_20240309_181200.jpg
	delete_path media/0/DCIM/Camera/VID_20240309_181500.mp4
	delete_path home/anna/Documents/draft-message.txt
	delete_path media/0/WhatsApp/Databases/msgstore-2024-03-06.1.db
	fs_end
}

# --------------------------------------------------------------------------
# Partition 2: FAT32, an SD card / USB stick.
# --------------------------------------------------------------------------
build_fat_partition() {
	fs_begin fat32 $P2_START $P2_SECTORS
	mkfs.fat -F 32 -s 1 -S $SECTOR -h $P2_START --invariant -i $FAT_VOLUME_ID -n TRAINING \
		"$CUR_IMG" >/dev/null || die "mkfs.fat failed"

	set_clock '2024-03-02 10:00:00'
	add_file DCIM/100MEDIA/IMG_0001.JPG "$(jpeg_photo testsrc 800x600 '2024:03:02 10:00:00' Canon 'EOS 200D')"
	add_file DCIM/100MEDIA/IMG_0002.JPG "$(jpeg_photo smptebars 800x600 '2024:03:02 10:01:10' Canon 'EOS 200D')"
	add_file DCIM/100MEDIA/IMG_0004.JPG "$(jpeg_photo testsrc2 800x600 '2024:03:02 10:03:30' Canon 'EOS 200D')"
	add_file DCIM/100MEDIA/MVI_0003.AVI "$(video avi 2 testsrc 523)"
	add_file "Videos/Training session.mkv" "$(video mkv 3 testsrc2 294)"
	add_file Videos/warmup.webm "$(video webm 2 smptebars 392)"
	add_file Videos/outtake.mp4 "$(video mp4 2 rgbtestsrc 262)"
	printf 'Übersicht – März\n\n10.03. Fußball, Riverside Park, 10:00 Uhr\n17.03. Auswärtsspiel\n' |
		add_file "Dokumente/Übersicht – März.txt" -
	: | add_file Dokumente/leer.txt -
	printf 'Entwurf: Trikots bestellen?\n' | add_file Dokumente/entwurf.txt -
	printf 'Отчёт о тренировке: 8 игроков, счёт 5:4.\n' | add_file Документы/отчёт.txt -
	add_file 写真/猫.png "$(png_image mandelbrot 200x150)"
	printf 'Aufstellung: Chris (Tor), Ben, Anna, Dev, Sam\n' | add_file "⚽ Spiel/Aufstellung.txt" -
	printf '{"quarter": "2024-Q1", "matches": 4, "won": 3, "lost": 1}\n' |
		add_file Projects/2024/Q1/report.json -
	add_file Download/backup.bin "$(sql_whatsapp 2 | sqlite_db)"  # a renamed WhatsApp database
	add_file Download/chats-old.db "$(sql_android_sms | sqlite_db)"
	gen bytes camera-firmware 3145728 | add_file Download/camera-firmware-v2.bin -

	set_clock '2023-08-20 15:00:00'
	add_file "Old Photos/IMG_0100.JPG" "$(jpeg_photo testsrc 640x480 '2023:08:20 15:00:00' Canon 'EOS 200D')"
	printf 'Summer tournament 2023, we came second.\n' | add_file "Old Photos/notes.txt" -
	add_file "Old Photos/2023/summer.png" "$(png_image smptehdbars 320x180)"

	set_clock '2024-03-11 08:00:00'
	delete_path "Old Photos"
	delete_path DCIM/100MEDIA/IMG_0004.JPG
	delete_path Dokumente/entwurf.txt
	delete_path Videos/outtake.mp4
	delete_path Download/chats-old.db
	fs_end
}

fs_begin() { # fs_begin FS START_SECTOR SECTORS
	CUR_FS=$1 CUR_OFF=$(($2 * SECTOR))
	CUR_IMG=$WORK/$1.img
	EXT4_CMDS=$1.cmds
	: >"$WORK/$EXT4_CMDS"
	rm -f "$CUR_IMG"
	truncate -s $(($3 * SECTOR)) "$CUR_IMG"
	export E2FSPROGS_FAKE_TIME=$BUILD_EPOCH
}

fs_end() {
	[[ $CUR_FS == ext4 ]] && ext4_flush
	CUR_FS=""
}

# --------------------------------------------------------------------------
# Assemble the disk and write the outputs.
# --------------------------------------------------------------------------
place() { # place FILE START_SECTOR
	dd if="$1" of="$WORK/disk.raw" bs=1M oflag=seek_bytes seek=$(($2 * SECTOR)) \
		conv=notrunc,fsync status=none
}

write_outputs() {
	local out=$1 k
	truncate -s $((DISK_SECTORS * SECTOR)) "$WORK/disk.raw"
	sfdisk --quiet --no-reread --no-tell-kernel "$WORK/disk.raw" >/dev/null <<-EOF
	label: dos
	label-id: $MBR_LABEL_ID
	unit: sectors
	sector-size: $SECTOR

	start=$P1_START, size=$P1_SECTORS, type=83
	start=$P2_START, size=$P2_SECTORS, type=c
	EOF
	place "$WORK/ext4.img" $P1_START
	place "$WORK/fat32.img" $P2_START
	mv "$WORK/disk.raw" "$out/training.raw"

	{
		printf 'index\toffset\tlength\ttype\tfs_type\n'
		printf '1\t%d\t%d\t0x83\text4\n' $((P1_START * SECTOR)) $((P1_SECTORS * SECTOR))
		printf '2\t%d\t%d\t0x0c\tfat32\n' $((P2_START * SECTOR)) $((P2_SECTORS * SECTOR))
	} >"$out/training.partitions.tsv"

	{
		printf 'partition_offset\tfs_type\tpath\ttype\tsize\tallocated\tmd5\tsha1\tsha256\n'
		for k in "${ROWS[@]}"; do
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${k%%|*}" "${R_FS[$k]}" "${k#*|}" \
				"${R_TYPE[$k]}" "${R_SIZE[$k]}" "${R_ALLOC[$k]}" "${R_HASH[$k]}"
		done
	} >"$out/training.answers.tsv"

	(cd "$out" && md5sum training.raw >training.raw.md5 &&
		sha1sum training.raw >training.raw.sha1 &&
		sha256sum training.raw >training.raw.sha256)
}

acquire_e01() {
	local out=$1 stored raw
	rm -f "$out"/training.E[0-9][0-9] "$out"/training.E[A-Z][A-Z]
	if ! ewfacquire -u -q -t "$out/training" -f encase6 -c fast -S "$E01_SEGMENT_SIZE" \
		-m fixed -M physical -d sha1 -P $SECTOR \
		-C EXH-TRAIN-001 -E EV-001 -e 'Training Examiner' \
		-D 'exhibit training image: ext4 + FAT32, benign scenario' \
		-N 'Built by examples/build-training-image.sh; answer key in training.answers.tsv' \
		"$out/training.raw" >"$WORK/ewfacquire.log" 2>&1; then
		cat "$WORK/ewfacquire.log" >&2
		die "ewfacquire failed"
	fi
	[[ -e $out/training.E02 ]] || die "expected at least two E01 segments"
	stored=$(ewfinfo "$out/training.E01" | sed -n 's/^[[:space:]]*MD5:[[:space:]]*//p')
	raw=$(cut -d' ' -f1 "$out/training.raw.md5")
	[[ $stored == "$raw" ]] || die "MD5 stored in training.E01 ($stored) != raw MD5 ($raw)"
}

main() {
	local out start
	[[ $# -eq 1 ]] || { usage >&2; exit 2; }
	[[ $1 == -h || $1 == --help ]] && { usage; exit 0; }
	check_tools
	start=$(date +%s)
	mkdir -p -- "$1"
	out=$(cd -- "$1" && pwd)
	WORK=$(mktemp -d "$out/.build.XXXXXX")
	if [[ -n ${EXHIBIT_KEEP_WORK:-} ]]; then
		note "keeping scratch directory $WORK"
	else
		trap 'rm -rf -- "$WORK"' EXIT
	fi
	mkdir "$WORK/blobs"
	write_gen_py

	note "building ext4 partition"
	build_ext4_partition
	note "building FAT32 partition"
	build_fat_partition
	note "assembling disk"
	write_outputs "$out"
	note "acquiring E01"
	acquire_e01 "$out"

	local files=0 dirs=0 links=0 deleted=0 k
	for k in "${ROWS[@]}"; do
		case ${R_TYPE[$k]} in r) files=$((files + 1)) ;; d) dirs=$((dirs + 1)) ;; l) links=$((links + 1)) ;; esac
		[[ ${R_ALLOC[$k]} == 0 ]] && deleted=$((deleted + 1))
	done
	note "done in $(($(date +%s) - start)) s: $files files, $dirs directories, $links symlinks, $deleted deleted"
	note "$(cat "$out/training.raw.md5")"
}

main "$@"
