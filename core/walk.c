/*
 * walk.c — see walk.h.  Images through libtsk; directories in walk_dir.c.
 */
#include "walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_open.h"
#include "text.h"

/* State of one image walk. */
typedef struct image_walk {
	const evidence_source *src;
	const walk_callbacks *cb;
	TSK_IMG_INFO *img;
	TSK_FS_INFO *fs;
	uint64_t seq;
	int stopped;
	walk_run *runs;       /* scratch, reused for every entry */
	size_t runs_cap;
	int file_systems_found;
} image_walk;

static void report_problem(image_walk *w, int64_t offset, const char *what)
{
	exhibit_error err;
	char context[512];

	snprintf(context, sizeof context, "%s: %s at image offset %lld",
	         w->src->path, what, (long long)offset);
	source_tsk_error(&err, -4, offset, context);
	if (w->cb->problem)
		w->cb->problem(w->cb->ctx, &err);
}

/* ---------------------------------------------------------------- times */

static walk_time make_time(time_t sec, uint32_t ns)
{
	walk_time t = { (int64_t)sec, (int32_t)(ns < 1000000000u ? ns : 0) };
	return t;
}

static const char *time_precision_of(TSK_FS_TYPE_ENUM type)
{
	if (TSK_FS_TYPE_ISNTFS(type))
		return "100ns";
	if (TSK_FS_TYPE_ISFAT(type))
		return "mtime 2s, atime 1 day, crtime 10ms";
	if (type == TSK_FS_TYPE_EXT4)
		return "1ns";
	return "1s";
}

static const char *time_source_of(TSK_FS_TYPE_ENUM type)
{
	if (TSK_FS_TYPE_ISFAT(type) || TSK_FS_TYPE_ISISO9660(type))
		return "local time of the device (zone unknown), read as UTC";
	return "UTC";
}

/* ---------------------------------------------------------------- runs */

static int reserve_runs(image_walk *w, size_t n)
{
	walk_run *grown;

	if (n <= w->runs_cap)
		return 0;
	grown = realloc(w->runs, n * sizeof *grown);
	if (!grown)
		return -1;
	w->runs = grown;
	w->runs_cap = n;
	return 0;
}

static unsigned run_flags(const TSK_FS_ATTR *attr, const TSK_FS_ATTR_RUN *run)
{
	unsigned flags = 0;

	if (run->flags & TSK_FS_ATTR_RUN_FLAG_SPARSE)
		flags |= WALK_RUN_SPARSE;
	if (run->flags & TSK_FS_ATTR_RUN_FLAG_FILLER)
		flags |= WALK_RUN_FILLER;
	if (run->flags & TSK_FS_ATTR_RUN_FLAG_ENCRYPTED)
		flags |= WALK_RUN_ENCRYPTED;
	if (attr->flags & TSK_FS_ATTR_COMP)
		flags |= WALK_RUN_COMPRESSED;
	return flags;
}

/* The image byte runs of attr, capped at its size. */
static size_t collect_runs(image_walk *w, const TSK_FS_ATTR *attr)
{
	uint64_t bsize = w->fs->block_size;
	uint64_t size = (uint64_t)attr->size;
	size_t n = 0;

	if (!(attr->flags & TSK_FS_ATTR_NONRES)) {
		if (reserve_runs(w, 1) < 0)
			return 0;
		w->runs[0] = (walk_run){ 0, -1, size, WALK_RUN_RESIDENT };
		return 1;
	}
	for (const TSK_FS_ATTR_RUN *run = attr->nrd.run; run; run = run->next) {
		uint64_t file_off = (uint64_t)run->offset * bsize;
		uint64_t len = (uint64_t)run->len * bsize;
		unsigned flags = run_flags(attr, run);

		if (file_off >= size)
			break;
		if (len > size - file_off)
			len = size - file_off;
		if (reserve_runs(w, n + 1) < 0)
			return n;
		w->runs[n].file_offset = file_off;
		w->runs[n].image_offset = (flags & (WALK_RUN_SPARSE | WALK_RUN_FILLER))
			? -1 : (int64_t)(w->fs->offset + (uint64_t)run->addr * bsize);
		w->runs[n].length = len;
		w->runs[n].flags = flags;
		n++;
	}
	return n;
}

/* ---------------------------------------------------------------- slack */

/* Slack shorter than this is not worth a row: nothing carvable fits. */
#define SLACK_MIN 512

/*
 * report_slack — the bytes after the content of an allocated file up to
 * the end of the run holding its last byte (its last cluster, or what the
 * file system allocated beyond): space no file claims that a deleted
 * file's tail may survive in.  Deleted files' blocks are unallocated
 * space already.
 */
static int report_slack(image_walk *w, const walk_entry *e, const TSK_FS_ATTR *attr)
{
	uint64_t bsize = w->fs->block_size, size = (uint64_t)(attr->size > 0 ? attr->size : 0);
	walk_range r;

	if (!e->meta_allocated || !size || !(attr->flags & TSK_FS_ATTR_NONRES) ||
	    (attr->flags & (TSK_FS_ATTR_COMP | TSK_FS_ATTR_ENC)) || !w->cb->range)
		return 0;
	for (const TSK_FS_ATTR_RUN *run = attr->nrd.run; run; run = run->next) {
		uint64_t from = (uint64_t)run->offset * bsize, len = (uint64_t)run->len * bsize;

		if (size - 1 < from || size - 1 - from >= len)
			continue;
		if (run->flags & (TSK_FS_ATTR_RUN_FLAG_SPARSE | TSK_FS_ATTR_RUN_FLAG_FILLER) ||
		    from + len - size < SLACK_MIN)
			return 0;
		memset(&r, 0, sizeof r);
		r.has_fs = 1;
		r.fs_offset = (uint64_t)w->fs->offset;
		r.fs_type = (int)w->fs->ftype;
		r.kind = "slack";
		r.offset = (uint64_t)w->fs->offset + (uint64_t)run->addr * bsize + (size - from);
		r.length = from + len - size;
		return w->cb->range(w->cb->ctx, &r);
	}
	return 0;
}

/* ---------------------------------------------------------------- entries */

static char type_char(const TSK_FS_FILE *file)
{
	static const char meta_chars[] = "-rdpcblhswvV";
	static const char name_chars[] = "-pcdbrlshwvV";

	if (file->meta && (unsigned)file->meta->type < sizeof meta_chars - 1)
		return meta_chars[file->meta->type];
	if (file->name && (unsigned)file->name->type < sizeof name_chars - 1)
		return name_chars[file->name->type];
	return '-';
}

static void fill_from_meta(walk_entry *e, const TSK_FS_FILE *file)
{
	const TSK_FS_META *m = file->meta;

	e->meta_allocated = (m->flags & TSK_FS_META_FLAG_ALLOC) != 0;
	e->size = (uint64_t)(m->size > 0 ? m->size : 0);
	e->mode = (uint32_t)m->mode;
	e->uid = (int64_t)m->uid;
	e->gid = (int64_t)m->gid;
	e->mtime = make_time(m->mtime, m->mtime_nano);
	e->atime = make_time(m->atime, m->atime_nano);
	e->ctime = make_time(m->ctime, m->ctime_nano);
	e->crtime = make_time(m->crtime, m->crtime_nano);
	/* Directories and links have content too (fiwalk hashes them); only
	 * TSK's virtual directories ($OrphanFiles) have none. */
	e->has_content = m->type == TSK_FS_META_TYPE_REG || m->type == TSK_FS_META_TYPE_VIRT ||
	                 ((m->type == TSK_FS_META_TYPE_DIR || m->type == TSK_FS_META_TYPE_LNK) &&
	                  m->size > 0);
}

static int emit_entry(image_walk *w, walk_entry *e)
{
	e->seq = w->seq++;
	if (w->cb->entry(w->cb->ctx, e)) {
		w->stopped = 1;
		return 1;
	}
	return 0;
}

/* An attribute shown without a ":name" suffix, as fls shows it: the
 * unnamed data stream and a directory's $I30 index. */
static int is_unsuffixed(const TSK_FS_ATTR *attr)
{
	if (!attr->name || !attr->name[0] || !strcmp(attr->name, "$Data"))
		return 1;
	return attr->type == TSK_FS_ATTR_TYPE_NTFS_IDXROOT && !strcmp(attr->name, "$I30");
}

static int emit_attribute(image_walk *w, const walk_entry *base, const TSK_FS_ATTR *attr)
{
	walk_entry e = *base;
	char *path = NULL, *name = NULL, *stream = NULL;
	int stop;

	e.size = (uint64_t)(attr->size > 0 ? attr->size : 0);
	e.has_content = 1;
	if (!is_unsuffixed(attr)) {
		if (!(stream = text_escape_utf8(attr->name, strlen(attr->name))) ||
		    asprintf(&path, "%s:%s", base->path, stream) < 0 ||
		    asprintf(&name, "%s:%s", base->name, stream) < 0) {
			free(stream);
			free(path);
			return 1;
		}
		e.path = path;
		e.name = name;
		e.attr_name = stream;
	}
	/* Read this attribute, not the file's default one. */
	e.attr_type = (int)attr->type;
	e.attr_id = (int)attr->id;
	e.n_runs = collect_runs(w, attr);
	e.runs = w->runs;
	stop = emit_entry(w, &e);
	if (!stop && attr->type == TSK_FS_ATTR_TYPE_NTFS_DATA && report_slack(w, &e, attr))
		stop = w->stopped = 1;
	free(path);
	free(name);
	free(stream);
	return stop;
}

/* NTFS: one entry per $DATA stream and per $INDEX_ROOT, named the way fls
 * names them ("file:stream"), and a plain entry only for a file that has
 * neither — so alternate data streams are items of their own. */
static int emit_ntfs_entries(image_walk *w, TSK_FS_FILE *file, const walk_entry *base)
{
	int count = tsk_fs_file_attr_getsize(file), emitted = 0;

	for (int i = 0; i < count; i++) {
		const TSK_FS_ATTR *attr = tsk_fs_file_attr_get_idx(file, i);

		if (!attr || (attr->type != TSK_FS_ATTR_TYPE_NTFS_DATA &&
		              attr->type != TSK_FS_ATTR_TYPE_NTFS_IDXROOT))
			continue;
		emitted++;
		if (emit_attribute(w, base, attr))
			return 1;
	}
	tsk_error_reset();
	if (emitted)
		return 0;
	{
		walk_entry e = *base;
		return emit_entry(w, &e);
	}
}

/* A name whose inode fs_open's guard refused is listed without metadata;
 * the damage is recorded with the inode's place in the image. */
static void report_refused_inode(image_walk *w, const walk_entry *e)
{
	char why[200], what[1024];
	TSK_OFF_T at;

	if (!e->meta_addr || !fs_inode_damage(w->fs, e->meta_addr, why, sizeof why, &at))
		return;
	tsk_error_reset();
	tsk_error_set_errno(TSK_ERR_FS_INODE_COR);
	tsk_error_set_errstr("%s", why);
	snprintf(what, sizeof what, "%s: listed without its metadata, whose inode is damaged", e->path);
	report_problem(w, (int64_t)(w->fs->offset + at), what);
}

static TSK_WALK_RET_ENUM on_dir_entry(TSK_FS_FILE *file, const char *parent, void *ptr)
{
	image_walk *w = ptr;
	walk_entry e;
	char *raw, *path, *name;
	const TSK_FS_ATTR *attr;
	int stop;

	if (!file->name || TSK_FS_ISDOT(file->name->name))
		return TSK_WALK_CONT;
	memset(&e, 0, sizeof e);
	e.has_fs = 1;
	e.fs_offset = (uint64_t)w->fs->offset;
	e.fs_type = (int)w->fs->ftype;
	/* Names are bytes from the evidence (libtsk hands the parent's path
	 * as raw as the name): the case keeps them as UTF-8 with invalid
	 * bytes and control characters escaped (text.h). */
	if (asprintf(&raw, "/%s%s", parent, file->name->name) < 0)
		return TSK_WALK_ERROR;
	path = text_escape_utf8(raw, strlen(raw));
	name = text_escape_utf8(file->name->name, strlen(file->name->name));
	free(raw);
	if (!path || !name) {
		free(path);
		free(name);
		return TSK_WALK_ERROR;
	}
	e.path = path;
	e.name = name;
	e.meta_addr = file->name->meta_addr;
	e.meta_seq = file->name->meta_seq;
	e.attr_type = e.attr_id = -1;
	e.type = type_char(file);
	e.name_allocated = (file->name->flags & TSK_FS_NAME_FLAG_ALLOC) != 0;
	e.orphan = strncmp(parent, "$OrphanFiles/", 13) == 0;
	e.time_precision = time_precision_of(w->fs->ftype);
	if (file->meta)
		fill_from_meta(&e, file);
	else
		report_refused_inode(w, &e);
	if (file->meta && TSK_FS_TYPE_ISNTFS(w->fs->ftype)) {
		stop = emit_ntfs_entries(w, file, &e);
	} else {
		/* Attributes only where there is content to map: libtsk's loading
		 * is where damaged claims cost (fs_open.h), and a device node, a
		 * socket or an inode of no known type has none. */
		attr = file->meta && e.has_content ? tsk_fs_file_attr_get(file) : NULL;
		if (attr) {
			e.n_runs = collect_runs(w, attr);
			e.runs = w->runs;
		}
		tsk_error_reset(); /* a missing attribute is not a walk failure */
		stop = emit_entry(w, &e);
		if (!stop && attr && report_slack(w, &e, attr))
			stop = w->stopped = 1;
	}
	free(path);
	free(name);
	return stop ? TSK_WALK_STOP : TSK_WALK_CONT;
}

/* ---------------------------------------------------------------- ranges */

typedef struct range_merge {
	image_walk *w;
	uint64_t start, end; /* current run of unallocated blocks, in bytes */
	int open;
} range_merge;

static int flush_range(range_merge *m)
{
	walk_range r;

	if (!m->open)
		return 0;
	m->open = 0;
	r.has_fs = 1;
	r.fs_offset = (uint64_t)m->w->fs->offset;
	r.fs_type = (int)m->w->fs->ftype;
	r.kind = "fs-unallocated";
	r.offset = m->start;
	r.length = m->end - m->start;
	return m->w->cb->range ? m->w->cb->range(m->w->cb->ctx, &r) : 0;
}

static TSK_WALK_RET_ENUM on_unallocated_block(const TSK_FS_BLOCK *block, void *ptr)
{
	range_merge *m = ptr;
	uint64_t bsize = m->w->fs->block_size;
	uint64_t at = (uint64_t)m->w->fs->offset + (uint64_t)block->addr * bsize;

	if (m->open && at == m->end) {
		m->end += bsize;
		return TSK_WALK_CONT;
	}
	if (flush_range(m))
		return TSK_WALK_STOP;
	m->open = 1;
	m->start = at;
	m->end = at + bsize;
	return TSK_WALK_CONT;
}

static void walk_unallocated(image_walk *w)
{
	range_merge m = { w, 0, 0, 0 };
	TSK_DADDR_T last = w->fs->last_block;
	uint64_t held = w->fs->block_size ? fs_bytes_held(w->fs) / w->fs->block_size : 0;

	/* A damaged or truncated file system claims more blocks than the image
	 * holds (2^64 of them, once): only the blocks there are listed. */
	if (held == 0)
		return;
	if (held - 1 < last) {
		tsk_error_reset();
		tsk_error_set_errno(TSK_ERR_FS_CORRUPT);
		tsk_error_set_errstr("the file system claims blocks up to %" PRIuDADDR ", the image holds "
		                     "them up to %" PRIu64, last, held - 1);
		report_problem(w, w->fs->offset, "truncated image or damaged file system: unallocated "
		               "space is listed up to the image's end");
		last = (TSK_DADDR_T)(held - 1);
	}
	if (last >= w->fs->first_block &&
	    tsk_fs_block_walk(w->fs, w->fs->first_block, last,
	                      TSK_FS_BLOCK_WALK_FLAG_UNALLOC | TSK_FS_BLOCK_WALK_FLAG_AONLY,
	                      on_unallocated_block, &m))
		report_problem(w, w->fs->offset, "cannot list the unallocated blocks of the file system");
	if (!w->stopped && flush_range(&m))
		w->stopped = 1;
}

/* ---------------------------------------------------------------- file systems */

static void walk_open_filesystem(image_walk *w, uint64_t offset)
{
	walk_filesystem info;

	w->file_systems_found++;
	info.offset = offset;
	info.fs_type = tsk_fs_type_toname(w->fs->ftype);
	info.fs_type_id = (int)w->fs->ftype;
	info.block_size = w->fs->block_size;
	info.block_count = (uint64_t)w->fs->block_count;
	info.time_source = time_source_of(w->fs->ftype);
	if (w->cb->filesystem && w->cb->filesystem(w->cb->ctx, &info))
		w->stopped = 1;
	if (!w->stopped &&
	    tsk_fs_dir_walk(w->fs, w->fs->root_inum,
	                    TSK_FS_DIR_WALK_FLAG_ALLOC | TSK_FS_DIR_WALK_FLAG_UNALLOC |
	                    TSK_FS_DIR_WALK_FLAG_RECURSE,
	                    on_dir_entry, w) && !w->stopped)
		report_problem(w, (int64_t)offset, "the directory walk stopped early (damaged file system?)");
	if (!w->stopped)
		walk_unallocated(w);
	tsk_fs_close(w->fs);
	w->fs = NULL;
}

/* File-system types tried one by one when autodetection refuses an
 * offset, typically because two file systems' signatures are both there
 * (a reformatted volume): each one found is walked. */
static const TSK_FS_TYPE_ENUM candidate_types[] = {
	TSK_FS_TYPE_NTFS_DETECT, TSK_FS_TYPE_FAT_DETECT, TSK_FS_TYPE_EXFAT,
	TSK_FS_TYPE_EXT_DETECT, TSK_FS_TYPE_FFS_DETECT, TSK_FS_TYPE_HFS_DETECT,
	TSK_FS_TYPE_ISO9660_DETECT, TSK_FS_TYPE_APFS_DETECT,
};

/* walk_filesystem_at — every file system at offset; how many there were. */
static int walk_filesystem_at(image_walk *w, uint64_t offset)
{
	int found = 0;

	w->fs = fs_open(w->img, (TSK_OFF_T)offset, TSK_FS_TYPE_DETECT);
	if (w->fs) {
		walk_open_filesystem(w, offset);
		return 1;
	}
	report_problem(w, (int64_t)offset, "no file system that libtsk recognises unambiguously");
	for (size_t i = 0; i < sizeof candidate_types / sizeof candidate_types[0] && !w->stopped; i++) {
		w->fs = fs_open(w->img, (TSK_OFF_T)offset, candidate_types[i]);
		tsk_error_reset();
		if (!w->fs)
			continue;
		found++;
		walk_open_filesystem(w, offset);
	}
	if (found > 1) {
		exhibit_error err;
		exhibit_error_set(&err, -4, (int64_t)offset,
		                  "%s: %d file systems claim image offset %llu; each was walked",
		                  w->src->path, found, (unsigned long long)offset);
		if (w->cb->problem)
			w->cb->problem(w->cb->ctx, &err);
	}
	return found;
}

/* report_unrecognised — space where no file system was found (a
 * partition, or the whole image): no file claims it, so it is carved. */
static void report_unrecognised(image_walk *w, uint64_t offset, uint64_t length)
{
	walk_range r;

	memset(&r, 0, sizeof r);
	r.kind = "unrecognised";
	r.offset = offset;
	r.length = length;
	if (length && !w->stopped && w->cb->range && w->cb->range(w->cb->ctx, &r))
		w->stopped = 1;
}

/* ---------------------------------------------------------------- volumes */

static int emit_volume(image_walk *w, const TSK_VS_INFO *vs, const TSK_VS_PART_INFO *part)
{
	walk_volume v;
	uint64_t bsize = vs->block_size;

	v.vs_type = tsk_vs_type_toname(vs->vstype);
	v.slot = part->slot_num;
	v.offset = (uint64_t)vs->offset + (uint64_t)part->start * bsize;
	v.length = (uint64_t)part->len * bsize;
	v.description = part->desc;
	v.allocated = (part->flags & TSK_VS_PART_FLAG_ALLOC) != 0;
	return w->cb->volume ? w->cb->volume(w->cb->ctx, &v) : 0;
}

static void walk_unpartitioned(image_walk *w, const TSK_VS_INFO *vs, const TSK_VS_PART_INFO *part)
{
	walk_range r;

	r.has_fs = 0;
	r.fs_offset = 0;
	r.fs_type = 0;
	r.kind = "unpartitioned";
	r.offset = (uint64_t)vs->offset + (uint64_t)part->start * vs->block_size;
	r.length = (uint64_t)part->len * vs->block_size;
	if (w->cb->range && w->cb->range(w->cb->ctx, &r))
		w->stopped = 1;
}

static void walk_volume_system(image_walk *w, TSK_VS_INFO *vs)
{
	for (TSK_PNUM_T i = 0; i < vs->part_count && !w->stopped; i++) {
		const TSK_VS_PART_INFO *part = tsk_vs_part_get(vs, i);

		if (!part)
			continue;
		if (emit_volume(w, vs, part)) {
			w->stopped = 1;
			break;
		}
		if (part->flags & TSK_VS_PART_FLAG_UNALLOC) {
			walk_unpartitioned(w, vs, part);
		} else if (part->flags & TSK_VS_PART_FLAG_ALLOC) {
			uint64_t at = (uint64_t)vs->offset + (uint64_t)part->start * vs->block_size;
			if (!walk_filesystem_at(w, at))
				report_unrecognised(w, at, (uint64_t)part->len * vs->block_size);
		}
	}
}

static int walk_image(const evidence_source *src, const walk_callbacks *cb,
                      exhibit_error *err)
{
	image_walk w;
	TSK_VS_INFO *vs;

	memset(&w, 0, sizeof w);
	w.src = src;
	w.cb = cb;
	w.img = source_open_image(src, err);
	if (!w.img)
		return err ? err->code : -2;
	vs = tsk_vs_open(w.img, 0, TSK_VS_TYPE_DETECT);
	if (vs) {
		walk_volume_system(&w, vs);
		tsk_vs_close(vs);
	} else {
		tsk_error_reset();
		if (!walk_filesystem_at(&w, 0))
			report_unrecognised(&w, 0, (uint64_t)w.img->size);
	}
	tsk_img_close(w.img);
	free(w.runs);
	if (w.stopped)
		return 1;
	if (w.file_systems_found == 0)
		return exhibit_error_set(err, -4, 0,
			"%s: no volume system or file system that libtsk recognises "
			"(not a disk image, or damaged at offset 0)", src->path);
	return 0;
}

int walk_source(const evidence_source *src, const walk_callbacks *cb,
                exhibit_error *err)
{
	if (src->kind == SOURCE_DIRECTORY)
		return walk_directory(src, cb, err);
	return walk_image(src, cb, err);
}
