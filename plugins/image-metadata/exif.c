/*
 * exif.c — see exif.h.
 */
#include "exif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "media_text.h"
#include "media_time.h"

/* Priorities EXIF offers its facts with (see xmp.h for XMP's). */
enum {
	TEXT_PRIORITY = 3,
	PLACE_PRIORITY = 3,
	ORIGINAL_ZONED = 6,
	ORIGINAL_LOCAL = 4,
	DIGITIZED_ZONED = 2,
	DIGITIZED_LOCAL = 1,
};

enum ifd_kind { IFD_MAIN, IFD_THUMB, IFD_EXIF, IFD_GPS, IFD_INTEROP, IFD_SUB };

static const char *const ifd_names[] = { "IFD0", "IFD1", "ExifIFD", "GPS", "Interop", "SubIFD" };

typedef struct tag_name {
	uint16_t id;
	const char *name;
} tag_name;

/* Names of the tags met in practice (TIFF 6.0, Exif 2.32, DNG); others
 * are kept under their number. */
static const tag_name tiff_names[] = {
	{ 0x00fe, "NewSubfileType" }, { 0x0100, "ImageWidth" }, { 0x0101, "ImageLength" },
	{ 0x0102, "BitsPerSample" }, { 0x0103, "Compression" },
	{ 0x0106, "PhotometricInterpretation" }, { 0x010d, "DocumentName" },
	{ 0x010e, "ImageDescription" }, { 0x010f, "Make" }, { 0x0110, "Model" },
	{ 0x0111, "StripOffsets" }, { 0x0112, "Orientation" }, { 0x0115, "SamplesPerPixel" },
	{ 0x0116, "RowsPerStrip" }, { 0x0117, "StripByteCounts" }, { 0x011a, "XResolution" },
	{ 0x011b, "YResolution" }, { 0x011c, "PlanarConfiguration" },
	{ 0x0128, "ResolutionUnit" }, { 0x0131, "Software" }, { 0x0132, "DateTime" },
	{ 0x013b, "Artist" }, { 0x013c, "HostComputer" }, { 0x0142, "TileWidth" },
	{ 0x0143, "TileLength" }, { 0x014a, "SubIFDs" }, { 0x0201, "JPEGInterchangeFormat" },
	{ 0x0202, "JPEGInterchangeFormatLength" }, { 0x0211, "YCbCrCoefficients" },
	{ 0x0213, "YCbCrPositioning" }, { 0x0214, "ReferenceBlackWhite" },
	{ 0x02bc, "ApplicationNotes" }, { 0x4746, "Rating" }, { 0x8298, "Copyright" },
	{ 0x829a, "ExposureTime" }, { 0x829d, "FNumber" }, { 0x83bb, "IPTC-NAA" },
	{ 0x8649, "PhotoshopSettings" }, { 0x8769, "ExifIFDPointer" }, { 0x8773, "ICCProfile" },
	{ 0x8822, "ExposureProgram" }, { 0x8824, "SpectralSensitivity" },
	{ 0x8825, "GPSInfoIFDPointer" }, { 0x8827, "PhotographicSensitivity" },
	{ 0x8830, "SensitivityType" }, { 0x9000, "ExifVersion" }, { 0x9003, "DateTimeOriginal" },
	{ 0x9004, "DateTimeDigitized" }, { 0x9010, "OffsetTime" },
	{ 0x9011, "OffsetTimeOriginal" }, { 0x9012, "OffsetTimeDigitized" },
	{ 0x9101, "ComponentsConfiguration" }, { 0x9102, "CompressedBitsPerPixel" },
	{ 0x9201, "ShutterSpeedValue" }, { 0x9202, "ApertureValue" },
	{ 0x9203, "BrightnessValue" }, { 0x9204, "ExposureBiasValue" },
	{ 0x9205, "MaxApertureValue" }, { 0x9206, "SubjectDistance" },
	{ 0x9207, "MeteringMode" }, { 0x9208, "LightSource" }, { 0x9209, "Flash" },
	{ 0x920a, "FocalLength" }, { 0x9214, "SubjectArea" }, { 0x927c, "MakerNote" },
	{ 0x9286, "UserComment" }, { 0x9290, "SubSecTime" }, { 0x9291, "SubSecTimeOriginal" },
	{ 0x9292, "SubSecTimeDigitized" }, { 0x9c9b, "XPTitle" }, { 0x9c9c, "XPComment" },
	{ 0x9c9d, "XPAuthor" }, { 0x9c9e, "XPKeywords" }, { 0x9c9f, "XPSubject" },
	{ 0xa000, "FlashpixVersion" }, { 0xa001, "ColorSpace" }, { 0xa002, "PixelXDimension" },
	{ 0xa003, "PixelYDimension" }, { 0xa004, "RelatedSoundFile" },
	{ 0xa005, "InteroperabilityIFDPointer" }, { 0xa20e, "FocalPlaneXResolution" },
	{ 0xa20f, "FocalPlaneYResolution" }, { 0xa210, "FocalPlaneResolutionUnit" },
	{ 0xa215, "ExposureIndex" }, { 0xa217, "SensingMethod" }, { 0xa300, "FileSource" },
	{ 0xa301, "SceneType" }, { 0xa302, "CFAPattern" }, { 0xa401, "CustomRendered" },
	{ 0xa402, "ExposureMode" }, { 0xa403, "WhiteBalance" }, { 0xa404, "DigitalZoomRatio" },
	{ 0xa405, "FocalLengthIn35mmFilm" }, { 0xa406, "SceneCaptureType" },
	{ 0xa407, "GainControl" }, { 0xa408, "Contrast" }, { 0xa409, "Saturation" },
	{ 0xa40a, "Sharpness" }, { 0xa40c, "SubjectDistanceRange" },
	{ 0xa420, "ImageUniqueID" }, { 0xa430, "CameraOwnerName" },
	{ 0xa431, "BodySerialNumber" }, { 0xa432, "LensSpecification" }, { 0xa433, "LensMake" },
	{ 0xa434, "LensModel" }, { 0xa435, "LensSerialNumber" }, { 0xc612, "DNGVersion" },
	{ 0xc614, "UniqueCameraModel" }, { 0xc62f, "CameraSerialNumber" },
};

static const tag_name gps_names[] = {
	{ 0x00, "GPSVersionID" }, { 0x01, "GPSLatitudeRef" }, { 0x02, "GPSLatitude" },
	{ 0x03, "GPSLongitudeRef" }, { 0x04, "GPSLongitude" }, { 0x05, "GPSAltitudeRef" },
	{ 0x06, "GPSAltitude" }, { 0x07, "GPSTimeStamp" }, { 0x08, "GPSSatellites" },
	{ 0x09, "GPSStatus" }, { 0x0a, "GPSMeasureMode" }, { 0x0b, "GPSDOP" },
	{ 0x0c, "GPSSpeedRef" }, { 0x0d, "GPSSpeed" }, { 0x0e, "GPSTrackRef" },
	{ 0x0f, "GPSTrack" }, { 0x10, "GPSImgDirectionRef" }, { 0x11, "GPSImgDirection" },
	{ 0x12, "GPSMapDatum" }, { 0x13, "GPSDestLatitudeRef" }, { 0x14, "GPSDestLatitude" },
	{ 0x15, "GPSDestLongitudeRef" }, { 0x16, "GPSDestLongitude" },
	{ 0x17, "GPSDestBearingRef" }, { 0x18, "GPSDestBearing" },
	{ 0x19, "GPSDestDistanceRef" }, { 0x1a, "GPSDestDistance" },
	{ 0x1b, "GPSProcessingMethod" }, { 0x1c, "GPSAreaInformation" },
	{ 0x1d, "GPSDateStamp" }, { 0x1e, "GPSDifferential" }, { 0x1f, "GPSHPositioningError" },
};

static const tag_name interop_names[] = {
	{ 0x0001, "InteroperabilityIndex" }, { 0x0002, "InteroperabilityVersion" },
};

/* One directory entry, with where its value lies (inside the region). */
typedef struct entry {
	uint16_t tag, type;
	uint32_t count;
	uint64_t value_at; /* item offset of the value */
	uint64_t bytes;    /* count x size of type */
} entry;

/* Facts gathered across IFDs, combined at the end. */
typedef struct facts {
	char original[32], digitized[32], offset_original[16], offset_digitized[16];
	char subsec_original[16];
	bool has_lat, has_lon, has_alt;
	double lat, lon, alt;
	char lat_ref, lon_ref;
	int alt_ref;
	uint64_t thumb_offset, thumb_length;
	bool has_thumb_offset, has_thumb_length;
	uint64_t thumb_entry; /* where the pointer lies, for messages */
} facts;

typedef struct parse {
	media *m;
	uint64_t start, end; /* the region */
	bool big_endian;
	const char *what;
	uint64_t visited[EXIF_MAX_IFDS];
	size_t n_visited;
	exif_image *image;
	facts f;
} parse;

static void read_ifd(parse *p, uint64_t offset, enum ifd_kind kind, unsigned depth,
                     uint64_t from);

/* ---- values ------------------------------------------------------------------ */

static unsigned type_size(uint16_t type)
{
	switch (type) {
	case 1: case 2: case 6: case 7: return 1;
	case 3: case 8: return 2;
	case 4: case 9: case 11: case 13: return 4;
	case 5: case 10: case 12: return 8;
	default: return 0;
	}
}

static uint16_t get16(const parse *p, const unsigned char *b)
{
	return p->big_endian ? be16(b) : le16(b);
}

static uint32_t get32(const parse *p, const unsigned char *b)
{
	return p->big_endian ? be32(b) : le32(b);
}

/* The value bytes of an entry, at most max of them (NULL: unreadable). */
static const unsigned char *value_bytes(parse *p, const entry *e, size_t max, size_t *len)
{
	size_t n = e->bytes < max ? (size_t)e->bytes : max;

	*len = n;
	return media_peek(p->m, e->value_at, n);
}

/* Element i of a numeric entry as a double (rationals divided; a zero
 * denominator gives false). */
static bool number_at(parse *p, const entry *e, const unsigned char *v, size_t len, uint32_t i,
                      double *out)
{
	unsigned size = type_size(e->type);
	const unsigned char *b;

	if (!size || (uint64_t)(i + 1) * size > len)
		return false;
	b = v + (size_t)i * size;
	switch (e->type) {
	case 1: case 7: *out = b[0]; return true;
	case 6: *out = (int8_t)b[0]; return true;
	case 3: *out = get16(p, b); return true;
	case 8: *out = (int16_t)get16(p, b); return true;
	case 4: case 13: *out = get32(p, b); return true;
	case 9: *out = (int32_t)get32(p, b); return true;
	case 5:
		if (!get32(p, b + 4))
			return false;
		*out = (double)get32(p, b) / get32(p, b + 4);
		return true;
	case 10:
		if (!get32(p, b + 4))
			return false;
		*out = (double)(int32_t)get32(p, b) / (int32_t)get32(p, b + 4);
		return true;
	case 11: {
		union { uint32_t u; float f; } x = { get32(p, b) };
		*out = x.f;
		return true;
	}
	case 12: {
		union { uint64_t u; double d; } x = {
			p->big_endian ? be64(b) : le64(b) };
		*out = x.d;
		return true;
	}
	default:
		return false;
	}
}

/* A printable form of any entry's value, for its tag (malloc'd). */
static char *value_text(parse *p, const entry *e)
{
	size_t len, cap = 32 * EXIF_MAX_VALUES + 64, o = 0;
	const unsigned char *v = value_bytes(p, e, e->type == 2 || e->type == 7 ? MEDIA_MAX_VALUE
	                                                      : 8 * EXIF_MAX_VALUES, &len);
	char *text;

	if (!v)
		return NULL;
	if (e->type == 2) { /* ASCII, NUL-terminated (maybe several strings) */
		size_t n = len;
		while (n && (v[n - 1] == 0 || v[n - 1] == ' '))
			n--;
		return media_text_escape(v, n);
	}
	if (e->type == 7 || e->type == 1) {
		bool printable = len > 0 && e->type == 7;
		for (size_t i = 0; i < len && printable; i++)
			printable = (v[i] >= 0x20 && v[i] < 0x7f) || v[i] == 0;
		if (printable) {
			size_t n = len;
			while (n && v[n - 1] == 0)
				n--;
			return media_text_escape(v, n);
		}
		if (e->type == 7 || e->count > EXIF_MAX_VALUES) {
			char *hex = malloc(64 + 2 * 32);
			size_t show = len < 32 ? len : 32;
			if (!hex)
				return NULL;
			o = (size_t)sprintf(hex, "<%llu bytes", (unsigned long long)e->bytes);
			if (show)
				o += (size_t)sprintf(hex + o, ": ");
			for (size_t i = 0; i < show; i++)
				o += (size_t)sprintf(hex + o, "%02x", v[i]);
			sprintf(hex + o, "%s>", e->bytes > show ? "..." : "");
			return hex;
		}
	}
	if (!(text = malloc(cap)))
		return NULL;
	text[0] = '\0';
	for (uint32_t i = 0; i < e->count && i < EXIF_MAX_VALUES; i++) {
		unsigned size = type_size(e->type);
		const unsigned char *b = v + (size_t)i * size;
		if ((uint64_t)(i + 1) * size > len)
			break;
		if (o)
			text[o++] = ' ';
		if (e->type == 5 || e->type == 10)
			o += (size_t)snprintf(text + o, cap - o, e->type == 5 ? "%u/%u" : "%d/%d",
			                      get32(p, b), get32(p, b + 4));
		else {
			double d = 0;
			number_at(p, e, v, len, i, &d);
			o += (size_t)snprintf(text + o, cap - o, "%.10g", d);
		}
		if (o >= cap - 40)
			break;
	}
	if (e->count > EXIF_MAX_VALUES)
		snprintf(text + o, cap - o, " ... (%u values)", e->count);
	return text;
}

/* An ASCII value copied into out (NUL-terminated, trimmed). */
static void ascii(parse *p, const entry *e, char *out, size_t cap)
{
	size_t len;
	const unsigned char *v = value_bytes(p, e, cap - 1, &len);

	out[0] = '\0';
	if (!v)
		return;
	memcpy(out, v, len);
	out[len] = '\0';
	len = strlen(out);
	while (len && out[len - 1] == ' ')
		out[--len] = '\0';
}

/* ---- interpretation ------------------------------------------------------------ */

static void offer_ascii(parse *p, const entry *e, media_text_field *field)
{
	size_t len;
	const unsigned char *v = value_bytes(p, e, MEDIA_MAX_VALUE, &len);

	if (v && (e->type == 2 || e->type == 7 || e->type == 1))
		media_offer_text(field, TEXT_PRIORITY, v, len);
}

static int orientation_rotation(int orientation)
{
	switch (orientation) {
	case 3: case 4: return 180;
	case 5: case 6: return 90;
	case 7: case 8: return 270;
	default: return 0;
	}
}

/* Degrees from GPS (degrees, minutes, seconds) rationals. */
static bool gps_degrees(parse *p, const entry *e, double *out)
{
	size_t len;
	const unsigned char *v = value_bytes(p, e, 24, &len);
	double part[3] = { 0, 0, 0 };

	if (!v || (e->type != 5 && e->type != 10) || e->count < 1)
		return false;
	for (uint32_t i = 0; i < 3 && i < e->count; i++)
		if (!number_at(p, e, v, len, i, &part[i]))
			return false;
	if (part[0] < -180 || part[0] > 180 || part[1] < 0 || part[1] >= 60 || part[2] < 0 ||
	    part[2] >= 60)
		return false;
	*out = part[0] < 0 ? part[0] - part[1] / 60 - part[2] / 3600
	                   : part[0] + part[1] / 60 + part[2] / 3600;
	return true;
}

static void interpret(parse *p, const entry *e, enum ifd_kind kind)
{
	media *m = p->m;
	size_t len;
	const unsigned char *v;
	double d;

	if (kind == IFD_GPS) {
		char ref[4];
		switch (e->tag) {
		case 0x01: ascii(p, e, ref, sizeof ref); p->f.lat_ref = ref[0]; break;
		case 0x03: ascii(p, e, ref, sizeof ref); p->f.lon_ref = ref[0]; break;
		case 0x02: p->f.has_lat = gps_degrees(p, e, &p->f.lat); break;
		case 0x04: p->f.has_lon = gps_degrees(p, e, &p->f.lon); break;
		case 0x05:
			if ((v = value_bytes(p, e, 1, &len)) && len == 1)
				p->f.alt_ref = v[0];
			break;
		case 0x06:
			if ((v = value_bytes(p, e, 8, &len)) && number_at(p, e, v, len, 0, &d))
				p->f.alt = d, p->f.has_alt = true;
			break;
		default: break;
		}
		return;
	}
	if (kind == IFD_THUMB) {
		if ((e->tag == 0x201 || e->tag == 0x202) && (e->type == 4 || e->type == 3) &&
		    (v = value_bytes(p, e, 4, &len)) && number_at(p, e, v, len, 0, &d)) {
			if (e->tag == 0x201)
				p->f.thumb_offset = (uint64_t)d, p->f.has_thumb_offset = true,
				p->f.thumb_entry = e->value_at;
			else
				p->f.thumb_length = (uint64_t)d, p->f.has_thumb_length = true;
		}
		return;
	}
	switch (e->tag) {
	case 0x010f: offer_ascii(p, e, &m->make); break;
	case 0x0110: offer_ascii(p, e, &m->model); break;
	case 0x0131: offer_ascii(p, e, &m->software); break;
	case 0xa431: case 0xc62f: offer_ascii(p, e, &m->body_serial); break;
	case 0xa435: offer_ascii(p, e, &m->lens_serial); break;
	case 0xa434: offer_ascii(p, e, &m->lens_model); break;
	case 0x9003: ascii(p, e, p->f.original, sizeof p->f.original); break;
	case 0x9004: ascii(p, e, p->f.digitized, sizeof p->f.digitized); break;
	case 0x9011: ascii(p, e, p->f.offset_original, sizeof p->f.offset_original); break;
	case 0x9012: ascii(p, e, p->f.offset_digitized, sizeof p->f.offset_digitized); break;
	case 0x9291: ascii(p, e, p->f.subsec_original, sizeof p->f.subsec_original); break;
	case 0x0112:
		if (kind == IFD_MAIN && (v = value_bytes(p, e, 2, &len)) &&
		    number_at(p, e, v, len, 0, &d) && d >= 1 && d <= 8) {
			m->orientation = (int)d;
			media_set_rotation(m, orientation_rotation((int)d));
		}
		break;
	case 0x0100: case 0x0101: case 0x0103: case 0xa002: case 0xa003:
		if ((v = value_bytes(p, e, 4, &len)) && number_at(p, e, v, len, 0, &d) && d > 0 &&
		    (kind == IFD_MAIN || kind == IFD_EXIF)) {
			if (e->tag == 0x0100 && kind == IFD_MAIN)
				p->image->width = (int64_t)d;
			else if (e->tag == 0x0101 && kind == IFD_MAIN)
				p->image->height = (int64_t)d;
			else if (e->tag == 0x0103 && kind == IFD_MAIN)
				p->image->compression = (unsigned)d;
			else if (e->tag == 0xa002)
				p->image->pixel_width = (int64_t)d;
			else if (e->tag == 0xa003)
				p->image->pixel_height = (int64_t)d;
		}
		break;
	default:
		break;
	}
}

/* Sub-IFD pointers: which kind of IFD a tag leads to. */
static bool sub_ifd(uint16_t tag, enum ifd_kind parent, enum ifd_kind *kind)
{
	if (parent == IFD_GPS || parent == IFD_INTEROP)
		return false;
	switch (tag) {
	case 0x8769: *kind = IFD_EXIF; return true;
	case 0x8825: *kind = IFD_GPS; return true;
	case 0xa005: *kind = IFD_INTEROP; return true;
	case 0x014a: *kind = IFD_SUB; return true;
	default: return false;
	}
}

/* ---- the directories ------------------------------------------------------------ */

static const char *name_of(uint16_t tag, enum ifd_kind kind, char buf[16])
{
	const tag_name *table = kind == IFD_GPS ? gps_names : kind == IFD_INTEROP ? interop_names
	                                                                          : tiff_names;
	size_t n = kind == IFD_GPS ? sizeof gps_names / sizeof gps_names[0]
	         : kind == IFD_INTEROP ? sizeof interop_names / sizeof interop_names[0]
	                               : sizeof tiff_names / sizeof tiff_names[0];

	for (size_t i = 0; i < n; i++)
		if (table[i].id == tag)
			return table[i].name;
	snprintf(buf, 16, "0x%04x", tag);
	return buf;
}

/* Text with an 8-byte character code first (UserComment, GPS processing
 * method and area): "ASCII\0\0\0", "UNICODE\0" (UTF-16 in the TIFF's byte
 * order), "JIS\0\0\0\0\0" or eight NULs (undefined).  NULL when the value
 * is not of that form. */
static char *coded_text(parse *p, const entry *e)
{
	size_t len, n;
	const unsigned char *v = value_bytes(p, e, MEDIA_MAX_VALUE, &len);

	if (!v || len < 8 || e->type != 7)
		return NULL;
	n = len - 8;
	if (!memcmp(v, "UNICODE\0", 8))
		return media_text_utf16(v + 8, n, p->big_endian);
	if (!memcmp(v, "ASCII\0\0\0", 8) || !memcmp(v, "\0\0\0\0\0\0\0\0", 8) ||
	    !memcmp(v, "JIS\0\0\0\0\0", 8)) {
		while (n && (v[8 + n - 1] == 0 || v[8 + n - 1] == ' '))
			n--;
		return media_text_escape(v + 8, n);
	}
	return NULL;
}

static void keep_tag(parse *p, const entry *e, enum ifd_kind kind)
{
	char number[16], name[64], *value = NULL;
	size_t len;
	const unsigned char *v;

	snprintf(name, sizeof name, "%s.%s", ifd_names[kind], name_of(e->tag, kind, number));
	if (e->tag == 0x927c) { /* maker notes: proprietary, kept by size only */
		media_tag_printf(p->m, "exif", name, "<%llu bytes>", (unsigned long long)e->bytes);
		return;
	}
	if ((kind == IFD_EXIF && e->tag == 0x9286) ||
	    (kind == IFD_GPS && (e->tag == 0x1b || e->tag == 0x1c)))
		value = coded_text(p, e);
	else if (kind == IFD_MAIN && e->tag >= 0x9c9b && e->tag <= 0x9c9f && e->type == 1 &&
	         (v = value_bytes(p, e, MEDIA_MAX_VALUE, &len)))
		value = media_text_utf16(v, len, false); /* Windows XP tags: UTF-16LE */
	if (value || (value = value_text(p, e))) {
		media_tag_text(p->m, "exif", name, value);
		free(value);
	}
}

static bool visit(parse *p, uint64_t offset)
{
	for (size_t i = 0; i < p->n_visited; i++)
		if (p->visited[i] == offset) {
			media_problem(p->m, (int64_t)(p->start + offset), EXHIBIT_ERR_FORMAT,
			              "EXIF in %s: the IFD at offset %llu is referred to again (a loop): "
			              "not read twice",
			              p->what, (unsigned long long)(p->start + offset));
			return false;
		}
	if (p->n_visited == EXIF_MAX_IFDS) {
		media_problem(p->m, (int64_t)(p->start + offset), EXHIBIT_ERR_LIMIT,
		              "EXIF in %s: more than %d IFDs: the rest is not read", p->what,
		              EXIF_MAX_IFDS);
		return false;
	}
	p->visited[p->n_visited++] = offset;
	return true;
}

/* Follow a sub-IFD pointer entry (one or several offsets). */
static void follow(parse *p, const entry *e, enum ifd_kind kind, unsigned depth)
{
	size_t len;
	const unsigned char *v = value_bytes(p, e, 4 * 8, &len);
	uint64_t offsets[8];
	size_t n = 0;

	if (!v || (e->type != 4 && e->type != 13))
		return;
	for (uint32_t i = 0; i < e->count && i < 8 && (i + 1) * 4u <= len; i++)
		offsets[n++] = get32(p, v + 4 * i);
	for (size_t i = 0; i < n; i++)
		read_ifd(p, offsets[i], kind, depth + 1, e->value_at);
}

/* Read the IFD at offset (relative to the TIFF header); from is where
 * the pointer to it lies in the item, for messages. */
static void read_ifd(parse *p, uint64_t offset, enum ifd_kind kind, unsigned depth,
                     uint64_t from)
{
	const unsigned char *d;
	uint64_t at = p->start + offset, next;
	unsigned count;

	if (depth > 4)
		return;
	if (offset < 8 || offset >= p->end - p->start || p->end - at < 2) {
		media_problem(p->m, (int64_t)from, EXHIBIT_ERR_FORMAT,
		              "EXIF in %s: the %s offset %llu (read at offset %llu) lies outside the "
		              "EXIF data (%llu bytes)",
		              p->what, ifd_names[kind], (unsigned long long)offset,
		              (unsigned long long)from, (unsigned long long)(p->end - p->start));
		return;
	}
	if (!visit(p, offset) || !(d = media_peek(p->m, at, 2)))
		return;
	count = get16(p, d);
	if (count > EXIF_MAX_ENTRIES || (uint64_t)count * 12 > p->end - at - 2) {
		media_problem(p->m, (int64_t)at, EXHIBIT_ERR_FORMAT,
		              "EXIF in %s: %s at offset %llu declares %u entries, more than its data "
		              "holds: cut to what is there",
		              p->what, ifd_names[kind], (unsigned long long)at, count);
		count = (unsigned)((p->end - at - 2) / 12);
		if (count > EXIF_MAX_ENTRIES)
			count = EXIF_MAX_ENTRIES;
	}
	for (unsigned i = 0; i < count; i++) {
		uint64_t eat = at + 2 + 12ull * i;
		const unsigned char *b = media_peek(p->m, eat, 12);
		entry e;
		enum ifd_kind sub;

		if (!b)
			return;
		e.tag = get16(p, b);
		e.type = get16(p, b + 2);
		e.count = get32(p, b + 4);
		if (!type_size(e.type)) {
			media_problem(p->m, (int64_t)eat, EXHIBIT_ERR_FORMAT,
			              "EXIF in %s: entry 0x%04x at offset %llu has an unknown type %u",
			              p->what, e.tag, (unsigned long long)eat, e.type);
			continue;
		}
		e.bytes = (uint64_t)e.count * type_size(e.type);
		if (e.bytes <= 4) {
			e.value_at = eat + 8;
		} else {
			uint64_t off = get32(p, b + 8);
			if (off > p->end - p->start || e.bytes > p->end - p->start - off) {
				media_problem(p->m, (int64_t)eat, EXHIBIT_ERR_FORMAT,
				              "EXIF in %s: entry 0x%04x at offset %llu points at %llu bytes "
				              "at offset %llu, outside the EXIF data",
				              p->what, e.tag, (unsigned long long)eat,
				              (unsigned long long)e.bytes, (unsigned long long)off);
				continue;
			}
			e.value_at = p->start + off;
		}
		if (sub_ifd(e.tag, kind, &sub)) {
			follow(p, &e, sub, depth);
			continue;
		}
		keep_tag(p, &e, kind);
		interpret(p, &e, kind);
	}
	if (kind != IFD_MAIN && kind != IFD_THUMB)
		return;
	if (!(d = media_peek(p->m, at + 2 + 12ull * count, 4)) ||
	    at + 2 + 12ull * count + 4 > p->end)
		return;
	next = get32(p, d);
	if (next)
		read_ifd(p, next, IFD_THUMB, depth, at + 2 + 12ull * count);
}

/* ---- conclusions ------------------------------------------------------------------ */

static void offer_time(parse *p, const char *text, const char *zone, const char *subsec,
                       int zoned, int local, const char *source)
{
	media_datetime when;

	if (!text[0] || !media_datetime_parse(text, strlen(text), &when))
		return;
	if (zone[0] && media_zone_parse(zone, strlen(zone), &when.zone_minutes))
		when.has_zone = true;
	if (subsec && subsec[0]) {
		int scale = 100000000;
		for (const char *c = subsec; *c >= '0' && *c <= '9' && scale; c++, scale /= 10)
			when.nanosecond += (*c - '0') * scale;
	}
	media_offer_created(p->m, &when, source, when.has_zone ? zoned : local);
}

static void thumbnail(parse *p)
{
	uint64_t off = p->f.thumb_offset, len = p->f.thumb_length;
	unsigned char *buf;

	if (!p->f.has_thumb_offset || !p->f.has_thumb_length || len == 0)
		return;
	if (off > p->end - p->start || len > p->end - p->start - off) {
		media_problem(p->m, (int64_t)p->f.thumb_entry, EXHIBIT_ERR_FORMAT,
		              "EXIF in %s: the thumbnail (%llu bytes at offset %llu) lies outside the "
		              "EXIF data",
		              p->what, (unsigned long long)len, (unsigned long long)off);
		return;
	}
	if (len > EXIF_MAX_THUMBNAIL) {
		media_problem(p->m, (int64_t)(p->start + off), EXHIBIT_ERR_LIMIT,
		              "EXIF in %s: the thumbnail is %llu bytes, more than %u: not extracted",
		              p->what, (unsigned long long)len, EXIF_MAX_THUMBNAIL);
		return;
	}
	if (!(buf = malloc((size_t)len)))
		return;
	if (media_read(p->m, p->start + off, buf, (size_t)len)) {
		if (len >= 3 && buf[0] == 0xff && buf[1] == 0xd8 && buf[2] == 0xff) {
			media_tag_printf(p->m, "exif", "IFD1.Thumbnail", "JPEG, %llu bytes at offset %llu",
			                 (unsigned long long)len, (unsigned long long)(p->start + off));
			p->m->api->emit_child(p->m->host, "exif-thumbnail.jpg", buf, (size_t)len);
		} else {
			media_problem(p->m, (int64_t)(p->start + off), EXHIBIT_ERR_FORMAT,
			              "EXIF in %s: the thumbnail at offset %llu is not a JPEG",
			              p->what, (unsigned long long)(p->start + off));
		}
	}
	free(buf);
}

static void conclude(parse *p)
{
	facts *f = &p->f;

	offer_time(p, f->original, f->offset_original, f->subsec_original, ORIGINAL_ZONED,
	           ORIGINAL_LOCAL, "exif:DateTimeOriginal");
	offer_time(p, f->digitized, f->offset_digitized, NULL, DIGITIZED_ZONED, DIGITIZED_LOCAL,
	           "exif:DateTimeDigitized");
	if (f->has_lat && f->has_lon) {
		double lat = f->lat < 0 ? -f->lat : f->lat, lon = f->lon < 0 ? -f->lon : f->lon;
		double alt = f->alt_ref == 1 ? -f->alt : f->alt;
		/* The reference says the hemisphere; a negative value without
		 * one keeps its sign. */
		if (f->lat_ref == 'S' || (f->lat_ref != 'N' && f->lat < 0))
			lat = -lat;
		if (f->lon_ref == 'W' || (f->lon_ref != 'E' && f->lon < 0))
			lon = -lon;
		if (!f->lat_ref || !f->lon_ref)
			media_tag_text(p->m, "exhibit", "gps_reference",
			               "GPSLatitudeRef or GPSLongitudeRef missing: the sign of the value "
			               "was taken as written");
		media_offer_location(p->m, lat, lon, f->has_alt ? &alt : NULL, "exif:GPS",
		                     PLACE_PRIORITY);
	}
	thumbnail(p);
}

bool exif_parse(media *m, uint64_t start, uint64_t end, const char *what, exif_image *image)
{
	parse *p;
	const unsigned char *h;
	exif_image unused;

	if (end > m->size)
		end = m->size;
	if (start >= end || end - start < 8 || !(h = media_peek(m, start, 8)) ||
	    !((h[0] == 'I' && h[1] == 'I') || (h[0] == 'M' && h[1] == 'M'))) {
		media_problem(m, (int64_t)start, EXHIBIT_ERR_FORMAT,
		              "EXIF in %s: no TIFF header at offset %llu", what,
		              (unsigned long long)start);
		return false;
	}
	if (!(p = calloc(1, sizeof *p)))
		return false;
	p->m = m;
	p->start = start;
	p->end = end;
	p->what = what;
	p->big_endian = h[0] == 'M';
	p->image = image ? image : &unused;
	memset(p->image, 0, sizeof *p->image);
	if (get16(p, h + 2) != 42) {
		media_problem(m, (int64_t)start, EXHIBIT_ERR_FORMAT,
		              "EXIF in %s: TIFF version %u at offset %llu is not 42 (BigTIFF and raw "
		              "variants are not read)",
		              what, get16(p, h + 2), (unsigned long long)start);
		free(p);
		return false;
	}
	read_ifd(p, get32(p, h + 4), IFD_MAIN, 0, start + 4);
	conclude(p);
	free(p);
	return true;
}
