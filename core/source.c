/*
 * source.c — see source.h.
 */
#include "source.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


int source_tsk_error(exhibit_error *err, int code, int64_t offset,
                     const char *context)
{
	const char *msg = tsk_error_get();
	char clean[512];
	size_t n = 0;

	/* libtsk messages span lines; keep them on one. */
	for (const char *p = msg ? msg : "unknown libtsk error"; *p && n + 1 < sizeof clean; p++)
		clean[n++] = (*p == '\n' || *p == '\r') ? ' ' : *p;
	clean[n] = '\0';
	tsk_error_reset();
	return exhibit_error_set(err, code, offset, "%s: %s", context, clean);
}

static const char *format_name(TSK_IMG_TYPE_ENUM type, int n_segments)
{
	if (type & TSK_IMG_TYPE_RAW)
		return n_segments > 1 ? "split-raw" : "raw";
	if (type & TSK_IMG_TYPE_EWF_EWF)
		return "ewf";
	if (type & TSK_IMG_TYPE_VMDK_VMDK)
		return "vmdk";
	if (type & TSK_IMG_TYPE_VHD_VHD)
		return "vhd";
	if (type & (TSK_IMG_TYPE_AFF_AFF | TSK_IMG_TYPE_AFF_AFD |
	            TSK_IMG_TYPE_AFF_AFM | TSK_IMG_TYPE_AFF_ANY))
		return "aff";
	return "unknown";
}

static int copy_segments(evidence_source *src, char *const names[], int n,
                         exhibit_error *err)
{
	src->segments = calloc((size_t)n, sizeof *src->segments);
	if (!src->segments)
		return exhibit_error_set(err, -1, -1, "out of memory");
	for (int i = 0; i < n; i++) {
		src->segments[i] = strdup(names[i]);
		if (!src->segments[i])
			return exhibit_error_set(err, -1, -1, "out of memory");
	}
	src->n_segments = n;
	return 0;
}

/*
 * image_type_of — the image format from the file's own signature: EWF
 * ("EVF"), VMDK (sparse "KDMV"/"COWD" or a text descriptor), VHD (the
 * "conectix" footer, copied to the start of dynamic disks), AFF; anything
 * else is raw.  libtsk's autodetection would find the same, but it tries
 * every format library in turn and the AFF and VHD/VMDK probes leak what
 * they allocate when the image is not theirs.
 */
static TSK_IMG_TYPE_ENUM image_type_of(const char *path)
{
	unsigned char head[64], tail[512];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	off_t size;
	TSK_IMG_TYPE_ENUM type = TSK_IMG_TYPE_RAW;

	if (fd < 0)
		return TSK_IMG_TYPE_DETECT; /* libtsk says why it cannot open it */
	memset(head, 0, sizeof head);
	memset(tail, 0, sizeof tail);
	size = lseek(fd, 0, SEEK_END);
	if (pread(fd, head, sizeof head, 0) < 8) {
		close(fd);
		return type;
	}
	if (size >= (off_t)sizeof tail && pread(fd, tail, sizeof tail, size - (off_t)sizeof tail) < 0)
		memset(tail, 0, sizeof tail);
	close(fd);
	if (memcmp(head, "EVF\x09\x0d\x0a\xff\x00", 8) == 0 || memcmp(head, "EVF2\x0d\x0a\x81\x00", 8) == 0)
		type = TSK_IMG_TYPE_EWF_EWF;
	else if (memcmp(head, "KDMV", 4) == 0 || memcmp(head, "COWD", 4) == 0 ||
	         memcmp(head, "# Disk DescriptorFile", 21) == 0)
		type = TSK_IMG_TYPE_VMDK_VMDK;
	else if (memcmp(head, "conectix", 8) == 0 || memcmp(tail, "conectix", 8) == 0 ||
	         memcmp(tail + 1, "conectix", 8) == 0) /* a 511-byte footer of old tools */
		type = TSK_IMG_TYPE_VHD_VHD;
	else if (memcmp(head, "AFF10\x0d\x0a", 7) == 0)
		type = TSK_IMG_TYPE_AFF_ANY;
	return type;
}

static int probe_image(const char *path, evidence_source *src, exhibit_error *err)
{
	TSK_IMG_INFO *img;
	int rc;

	img = tsk_img_open_utf8_sing(path, image_type_of(path), 0);
	if (!img)
		return source_tsk_error(err, -2, 0, path);
	src->format = format_name(img->itype, img->num_img);
	src->tsk_type = (int)img->itype;
	src->size = (uint64_t)img->size;
	src->sector_size = img->sector_size;
	/* libtsk found the other segments itself (split raw, E01 glob). */
	rc = copy_segments(src, img->images, img->num_img, err);
	tsk_img_close(img);
	if (rc == 0 && src->size == 0)
		rc = exhibit_error_set(err, -4, 0, "%s: the image is empty", path);
	return rc;
}

int source_probe(const char *path, evidence_source *src, exhibit_error *err)
{
	struct stat st;
	char resolved[PATH_MAX];

	memset(src, 0, sizeof *src);
	if (stat(path, &st) != 0)
		return exhibit_error_set(err, -2, -1, "%s: cannot open: %m", path);
	if (!realpath(path, resolved))
		return exhibit_error_set(err, -2, -1, "%s: cannot resolve path: %m", path);
	src->path = strdup(resolved);
	if (!src->path)
		return exhibit_error_set(err, -1, -1, "out of memory");
	if (S_ISDIR(st.st_mode)) {
		src->kind = SOURCE_DIRECTORY;
		src->format = "directory";
		return 0;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return exhibit_error_set(err, -4, -1, "%s: not a file, a block device or a directory", path);
	src->kind = SOURCE_IMAGE;
	return probe_image(src->path, src, err);
}

void source_clear(evidence_source *src)
{
	for (int i = 0; i < src->n_segments; i++)
		free(src->segments[i]);
	free(src->segments);
	free(src->path);
	memset(src, 0, sizeof *src);
}

TSK_IMG_INFO *source_open_image(const evidence_source *src, exhibit_error *err)
{
	TSK_IMG_INFO *img;

	img = tsk_img_open_utf8(src->n_segments, (const char *const *)src->segments,
	                        (TSK_IMG_TYPE_ENUM)src->tsk_type, src->sector_size);
	if (!img)
		source_tsk_error(err, -2, 0, src->path);
	return img;
}
