/*
 * codec_names.c — see codec_names.h.  Tables, searched in order.
 */
#include "codec_names.h"

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct fourcc_name {
	char code[5];
	const char *name;
} fourcc_name;

/* Exact codes first (QuickTime is case-sensitive: 'raw ' vs 'RAW '). */
static const fourcc_name fourccs[] = {
	/* H.264 / HEVC / VVC / AV1 / VP */
	{ "avc1", "h264" }, { "avc2", "h264" }, { "avc3", "h264" }, { "avc4", "h264" },
	{ "H264", "h264" }, { "h264", "h264" }, { "X264", "h264" }, { "x264", "h264" },
	{ "AVC1", "h264" }, { "DAVC", "h264" }, { "ai5q", "h264" }, { "ai55", "h264" },
	{ "hvc1", "hevc" }, { "hev1", "hevc" }, { "HEVC", "hevc" }, { "H265", "hevc" },
	{ "dvh1", "hevc" }, { "dvhe", "hevc" },
	{ "vvc1", "vvc" }, { "vvi1", "vvc" },
	{ "av01", "av1" }, { "AV01", "av1" },
	{ "vp08", "vp8" }, { "VP80", "vp8" }, { "vp09", "vp9" }, { "VP90", "vp9" },
	/* MPEG-4 part 2 and friends */
	{ "mp4v", "mpeg4" }, { "FMP4", "mpeg4" }, { "XVID", "mpeg4" }, { "DIVX", "mpeg4" },
	{ "DX50", "mpeg4" }, { "MP4V", "mpeg4" }, { "M4S2", "mpeg4" }, { "3IV2", "mpeg4" },
	{ "DIV3", "msmpeg4v3" }, { "MP43", "msmpeg4v3" }, { "DIV4", "msmpeg4v3" },
	{ "MP42", "msmpeg4v2" }, { "DIV2", "msmpeg4v2" }, { "MPG4", "msmpeg4v1" },
	{ "WMV1", "wmv1" }, { "WMV2", "wmv2" }, { "WMV3", "wmv3" }, { "WVC1", "vc1" },
	{ "WMVA", "vc1" }, { "WVP2", "vc1image" },
	/* H.263 family */
	{ "s263", "h263" }, { "h263", "h263" }, { "H263", "h263" }, { "U263", "h263" },
	{ "FLV1", "flv1" }, { "SVQ1", "svq1" }, { "svqi", "svq1" }, { "SVQ3", "svq3" },
	/* MPEG-1/2 */
	{ "mp1v", "mpeg1video" }, { "MPG1", "mpeg1video" }, { "mp2v", "mpeg2video" },
	{ "MPG2", "mpeg2video" }, { "mpg2", "mpeg2video" }, { "xdvd", "mpeg2video" },
	{ "mx5n", "mpeg2video" }, { "hdv2", "mpeg2video" }, { "m2v1", "mpeg2video" },
	/* intra codecs */
	{ "jpeg", "mjpeg" }, { "MJPG", "mjpeg" }, { "mjpa", "mjpeg" }, { "AVRn", "mjpeg" },
	{ "dmb1", "mjpeg" }, { "mjpb", "mjpegb" }, { "mjp2", "jpeg2000" },
	{ "apcn", "prores" }, { "apch", "prores" }, { "apcs", "prores" }, { "apco", "prores" },
	{ "ap4h", "prores" }, { "ap4x", "prores" },
	{ "png ", "png" }, { "MPNG", "png" }, { "tiff", "tiff" }, { "gif ", "gif" },
	{ "rle ", "qtrle" }, { "raw ", "rawvideo" }, { "cvid", "cinepak" },
	{ "dvc ", "dvvideo" }, { "dvcp", "dvvideo" }, { "dvpp", "dvvideo" },
	{ "dv5n", "dvvideo" }, { "dv5p", "dvvideo" }, { "dvsd", "dvvideo" },
	{ "DVSD", "dvvideo" }, { "CDVC", "dvvideo" },
	{ "smc ", "smc" }, { "rpza", "rpza" }, { "8BPS", "8bps" }, { "IV50", "indeo5" },
	{ "IV41", "indeo4" }, { "IV32", "indeo3" }, { "IV31", "indeo3" },
	{ "VP60", "vp6" }, { "VP61", "vp6" }, { "VP62", "vp6" }, { "VP6F", "vp6f" },
	{ "HFYU", "huffyuv" }, { "FFVH", "ffvhuff" }, { "FFV1", "ffv1" },
	{ "MSVC", "msvideo1" }, { "CRAM", "msvideo1" }, { "tscc", "tscc" },
	{ "theo", "theora" }, { "drac", "dirac" }, { "AVdn", "dnxhd" }, { "AVdh", "dnxhd" },
	{ "hap1", "hap" }, { "Hap1", "hap" },
	/* audio sample entries */
	{ "mp4a", "aac" }, { ".mp3", "mp3" }, { "ac-3", "ac3" }, { "ec-3", "eac3" },
	{ "ac-4", "ac4" }, { "Opus", "opus" }, { "fLaC", "flac" }, { "alac", "alac" },
	{ "samr", "amr_nb" }, { "sawb", "amr_wb" }, { "sowt", "pcm_s16le" },
	{ "twos", "pcm_s16be" }, { "in24", "pcm_s24be" }, { "in32", "pcm_s32be" },
	{ "fl32", "pcm_f32be" }, { "fl64", "pcm_f64be" }, { "ulaw", "pcm_mulaw" },
	{ "alaw", "pcm_alaw" }, { "ima4", "adpcm_ima_qt" }, { "QDMC", "qdmc" },
	{ "QDM2", "qdm2" }, { "MAC3", "mace3" }, { "MAC6", "mace6" }, { "dtsc", "dts" },
	{ "dtsh", "dts" }, { "dtsl", "dts" }, { "mha1", "mpegh_3d_audio" },
	{ "mhm1", "mpegh_3d_audio" }, { "spex", "speex" }, { "sevc", "evrc" },
	{ "sqcp", "qcelp" }, { "Qclp", "qcelp" },
	/* subtitles and data */
	{ "tx3g", "mov_text" }, { "text", "mov_text" }, { "wvtt", "webvtt" },
	{ "stpp", "ttml" }, { "c608", "eia_608" }, { "tmcd", "" }, { "mebx", "" },
};

static bool same_letters(const char *a, const unsigned char *b)
{
	for (int i = 0; i < 4; i++)
		if (toupper((unsigned char)a[i]) != toupper(b[i]))
			return false;
	return true;
}

const char *codec_from_fourcc(const unsigned char fourcc[4])
{
	size_t n = sizeof fourccs / sizeof fourccs[0];

	for (size_t i = 0; i < n; i++)
		if (memcmp(fourccs[i].code, fourcc, 4) == 0)
			return fourccs[i].name[0] ? fourccs[i].name : NULL;
	for (size_t i = 0; i < n; i++)
		if (same_letters(fourccs[i].code, fourcc))
			return fourccs[i].name[0] ? fourccs[i].name : NULL;
	return NULL;
}

const char *codec_from_wave_format(uint16_t tag, unsigned bits)
{
	switch (tag) {
	case 0x0001:
		return bits == 8 ? "pcm_u8" : bits == 24 ? "pcm_s24le" : bits == 32 ? "pcm_s32le"
		                                                                  : "pcm_s16le";
	case 0x0002: return "adpcm_ms";
	case 0x0003: return bits == 64 ? "pcm_f64le" : "pcm_f32le";
	case 0x0006: return "pcm_alaw";
	case 0x0007: return "pcm_mulaw";
	case 0x0011: return "adpcm_ima_wav";
	case 0x0031: return "gsm_ms";
	case 0x0050: return "mp2";
	case 0x0055: return "mp3";
	case 0x00ff: case 0x1610: case 0x706d: case 0x4143: return "aac";
	case 0x0160: return "wmav1";
	case 0x0161: return "wmav2";
	case 0x0162: return "wmapro";
	case 0x0163: return "wmalossless";
	case 0x000a: return "wmavoice";
	case 0x2000: return "ac3";
	case 0x2001: return "dts";
	case 0xf1ac: return "flac";
	case 0x6750: return "vorbis";
	default: return NULL;
	}
}

const char *codec_from_mp4_object_type(unsigned oti)
{
	switch (oti) {
	case 0x20: return "mpeg4";
	case 0x21: return "h264";
	case 0x23: return "hevc";
	case 0x40: case 0x66: case 0x67: case 0x68: return "aac";
	case 0x60: case 0x61: case 0x62: case 0x63: case 0x64: case 0x65: return "mpeg2video";
	case 0x69: case 0x6b: return "mp3";
	case 0x6a: return "mpeg1video";
	case 0x6c: return "mjpeg";
	case 0x6d: return "png";
	case 0x6e: return "jpeg2000";
	case 0xa3: return "vc1";
	case 0xa4: return "dirac";
	case 0xa5: return "ac3";
	case 0xa6: return "eac3";
	case 0xa9: case 0xaa: case 0xab: case 0xac: return "dts";
	case 0xad: return "opus";
	case 0xb1: return "vp9";
	case 0xc1: return "flac";
	case 0xdd: return "vorbis";
	case 0xe1: return "qcelp";
	default: return NULL;
	}
}

typedef struct matroska_name {
	const char *id;
	bool prefix; /* matches any CodecID starting with id */
	const char *name;
} matroska_name;

static const matroska_name matroska_codecs[] = {
	{ "V_MPEG4/ISO/AVC", false, "h264" }, { "V_MPEGH/ISO/HEVC", false, "hevc" },
	{ "V_MPEGI/ISO/VVC", false, "vvc" }, { "V_AV1", false, "av1" },
	{ "V_VP8", false, "vp8" }, { "V_VP9", false, "vp9" },
	{ "V_MPEG4/ISO/", true, "mpeg4" }, { "V_MPEG4/MS/V3", false, "msmpeg4v3" },
	{ "V_MPEG1", false, "mpeg1video" }, { "V_MPEG2", false, "mpeg2video" },
	{ "V_THEORA", false, "theora" }, { "V_MJPEG", false, "mjpeg" },
	{ "V_PRORES", false, "prores" }, { "V_FFV1", false, "ffv1" },
	{ "V_DIRAC", false, "dirac" }, { "V_REAL/RV10", false, "rv10" },
	{ "V_REAL/RV20", false, "rv20" }, { "V_REAL/RV30", false, "rv30" },
	{ "V_REAL/RV40", false, "rv40" }, { "V_QUICKTIME", false, NULL },
	{ "A_AAC", true, "aac" }, { "A_VORBIS", false, "vorbis" }, { "A_OPUS", false, "opus" },
	{ "A_MPEG/L3", false, "mp3" }, { "A_MPEG/L2", false, "mp2" },
	{ "A_MPEG/L1", false, "mp1" }, { "A_AC3", true, "ac3" }, { "A_EAC3", false, "eac3" },
	{ "A_DTS", true, "dts" }, { "A_FLAC", false, "flac" }, { "A_ALAC", false, "alac" },
	{ "A_TRUEHD", false, "truehd" }, { "A_TTA1", false, "tta" },
	{ "A_WAVPACK4", false, "wavpack" }, { "A_PCM/FLOAT/IEEE", false, "pcm_f32le" },
	{ "A_REAL/COOK", false, "cook" }, { "A_REAL/ATRC", false, "atrac3" },
	{ "S_TEXT/UTF8", false, "subrip" }, { "S_TEXT/ASS", false, "ass" },
	{ "S_TEXT/SSA", false, "ass" }, { "S_ASS", false, "ass" }, { "S_SSA", false, "ass" },
	{ "S_TEXT/WEBVTT", false, "webvtt" }, { "S_VOBSUB", false, "dvd_subtitle" },
	{ "S_HDMV/PGS", false, "hdmv_pgs_subtitle" }, { "S_DVBSUB", false, "dvb_subtitle" },
	{ "S_KATE", false, "kate" }, { "S_TEXT/USF", false, "text" },
	{ "D_WEBVTT/", true, "webvtt" },
};

const char *codec_from_matroska(const char *codec_id, unsigned bits)
{
	size_t n = sizeof matroska_codecs / sizeof matroska_codecs[0];

	if (strcmp(codec_id, "A_PCM/INT/LIT") == 0)
		return bits == 8 ? "pcm_u8" : bits == 24 ? "pcm_s24le" : bits == 32 ? "pcm_s32le"
		                                                                  : "pcm_s16le";
	if (strcmp(codec_id, "A_PCM/INT/BIG") == 0)
		return bits == 24 ? "pcm_s24be" : bits == 32 ? "pcm_s32be" : "pcm_s16be";
	for (size_t i = 0; i < n; i++) {
		const matroska_name *e = &matroska_codecs[i];
		size_t len = strlen(e->id);
		if (e->prefix ? strncmp(codec_id, e->id, len) == 0 : strcmp(codec_id, e->id) == 0)
			return e->name;
	}
	return NULL;
}

const char *codec_from_ts_stream_type(unsigned stream_type)
{
	switch (stream_type) {
	case 0x01: return "mpeg1video";
	case 0x02: return "mpeg2video";
	case 0x03: return "mp2";   /* refined from the first frame header */
	case 0x04: return "mp3";
	case 0x0f: return "aac";
	case 0x10: return "mpeg4";
	case 0x11: return "aac_latm";
	case 0x1b: return "h264";
	case 0x1c: return "aac";
	case 0x20: return "h264";
	case 0x24: return "hevc";
	case 0x33: return "vvc";
	case 0x42: return "cavs";
	case 0x80: return "pcm_bluray";
	case 0x81: return "ac3";
	case 0x82: return "dts";
	case 0x83: return "truehd";
	case 0x84: case 0x87: return "eac3";
	case 0x85: case 0x86: return "dts";
	case 0x90: return "hdmv_pgs_subtitle";
	case 0xd1: return "dirac";
	case 0xd2: return "avs2";
	case 0xea: return "vc1";
	default: return NULL;
	}
}

const char *codec_from_flv_video(unsigned codec_id)
{
	switch (codec_id) {
	case 1: return "mjpeg";
	case 2: return "flv1";
	case 3: return "flashsv";
	case 4: return "vp6f";
	case 5: return "vp6a";
	case 6: return "flashsv2";
	case 7: return "h264";
	case 12: return "hevc";
	case 13: return "av1";
	case 14: return "vp9";
	default: return NULL;
	}
}

const char *codec_from_flv_audio(unsigned sound_format, unsigned sound_size)
{
	switch (sound_format) {
	case 0: return sound_size ? "pcm_s16le" : "pcm_u8"; /* native order; LE on x86 */
	case 1: return "adpcm_swf";
	case 2: case 14: return "mp3";
	case 3: return sound_size ? "pcm_s16le" : "pcm_u8";
	case 4: case 5: case 6: return "nellymoser";
	case 7: return "pcm_alaw";
	case 8: return "pcm_mulaw";
	case 10: return "aac";
	case 11: return "speex";
	default: return NULL;
	}
}
