/*
 * codec_names.h — the codes containers use for codecs, mapped to the
 * names ffprobe gives (codec_name), so a case can be compared with
 * ffprobe and read by people who know those names.  Each function
 * returns a static string, or NULL when the code is not known (the raw
 * code is kept beside it as codec_tag).
 */
#ifndef EXHIBIT_CODEC_NAMES_H
#define EXHIBIT_CODEC_NAMES_H

#include <stdint.h>

/* A four-character code as stored, first byte first ('avc1', 'XVID'):
 * ISO BMFF / QuickTime sample entries and AVI/ASF compression codes
 * (AVI codes also match case-insensitively). */
const char *codec_from_fourcc(const unsigned char fourcc[4]);

/* A WAVEFORMATEX format tag (AVI, ASF); bits per sample refines PCM. */
const char *codec_from_wave_format(uint16_t tag, unsigned bits);

/* An MPEG-4 Systems objectTypeIndication (esds). */
const char *codec_from_mp4_object_type(unsigned oti);

/* A Matroska CodecID ("V_MPEG4/ISO/AVC"); bits refines A_PCM. */
const char *codec_from_matroska(const char *codec_id, unsigned bits);

/* An MPEG-TS PMT stream_type (0x1b ...). */
const char *codec_from_ts_stream_type(unsigned stream_type);

/* FLV video CodecID / audio SoundFormat. */
const char *codec_from_flv_video(unsigned codec_id);
const char *codec_from_flv_audio(unsigned sound_format, unsigned sound_size);

#endif
