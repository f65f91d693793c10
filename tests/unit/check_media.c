/*
 * check_media.c — unit tests of plugins/media-common, the code both media
 * plugins share: bounded reads of the item, problem and tag bounds,
 * priorities of facts, text conversion, times, ISO 6709 places, XMP, and
 * the codec-name tables.
 */
#include <check.h>

#include "check_run.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_names.h"
#include "iso6709.h"
#include "media.h"
#include "media_text.h"
#include "media_time.h"
#include "stub_host.h"
#include "xmp.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-6)

/* ---- reading --------------------------------------------------------------- */

START_TEST(peek_stays_inside_the_item)
{
	unsigned char data[1000];
	exhibit_host *host;
	media m;
	const unsigned char *p;
	unsigned char buf[16];

	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)i;
	host = stub_host_new(data, sizeof data, "/x");
	stub_host_set_read_chunk(host, 7); /* the host may answer in short reads */
	media_init(&m, stub_host_api(), host, sizeof data);
	p = media_peek(&m, 990, 10);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p[9], (unsigned char)999);
	ck_assert_ptr_null(media_peek(&m, 990, 11));
	ck_assert_ptr_null(media_peek(&m, UINT64_MAX - 3, 8)); /* no wrap-around */
	ck_assert_ptr_null(media_peek(&m, 0, MEDIA_WINDOW + 1));
	ck_assert(media_read(&m, 100, buf, 16));
	ck_assert_uint_eq(buf[15], 115);
	ck_assert(!media_read(&m, 995, buf, 16));
	ck_assert(media_has(&m, 1000, 0));
	ck_assert(!media_has(&m, 1001, 0));
	ck_assert(!media_has(&m, 10, UINT64_MAX));
	media_free(&m);
	stub_host_free(host);
}
END_TEST

START_TEST(problems_and_tags_are_bounded)
{
	unsigned char data[4] = { 0 };
	exhibit_host *host = stub_host_new(data, sizeof data, "/x");
	media m;

	media_init(&m, stub_host_api(), host, sizeof data);
	for (int i = 0; i < 1000; i++)
		media_problem(&m, i, EXHIBIT_ERR_FORMAT, "problem %d", i);
	ck_assert_uint_eq(stub_host_error_count(host), MEDIA_MAX_PROBLEMS + 1);
	ck_assert_int_eq(stub_host_error(host, 3)->offset, 3);
	ck_assert(strstr(stub_host_error(host, MEDIA_MAX_PROBLEMS)->message, "not recorded"));
	ck_assert_int_eq(m.status, EXHIBIT_ERR_FORMAT);
	media_problem(&m, -1, EXHIBIT_ERR_LIMIT, "a limit");
	ck_assert_int_eq(m.status, EXHIBIT_ERR_LIMIT);
	for (int i = 0; i < MEDIA_MAX_TAGS + 50; i++)
		media_tag_printf(&m, "test", "name", "%d", i);
	ck_assert_uint_eq(m.n_tags, MEDIA_MAX_TAGS);
	ck_assert_uint_eq(m.tags_dropped, 50);
	media_free(&m);
	stub_host_free(host);
}
END_TEST

START_TEST(tags_keep_hostile_bytes_escaped_and_bounded)
{
	unsigned char data[4] = { 0 };
	exhibit_host *host = stub_host_new(data, sizeof data, "/x");
	char *big = malloc(MEDIA_MAX_VALUE * 2);
	media m;

	media_init(&m, stub_host_api(), host, sizeof data);
	media_tag_bytes(&m, "t", "bad", "a\xff\x01z", 4);
	ck_assert_str_eq(m.tags[0].value, "a\\xff\\x01z");
	memset(big, 'x', MEDIA_MAX_VALUE * 2);
	media_tag_bytes(&m, "t", "big", big, MEDIA_MAX_VALUE * 2);
	ck_assert_uint_eq(strlen(m.tags[1].value), MEDIA_MAX_VALUE);
	free(big);
	media_free(&m);
	stub_host_free(host);
}
END_TEST

START_TEST(facts_keep_the_highest_priority)
{
	unsigned char data[4] = { 0 };
	exhibit_host *host = stub_host_new(data, sizeof data, "/x");
	media m;
	media_datetime a = { 2020, 1, 2, 3, 4, 5, 0, false, 0 }, b = a;

	media_init(&m, stub_host_api(), host, sizeof data);
	media_offer_text(&m.make, 1, "Low\0junk", 8);
	ck_assert_str_eq(m.make.text, "Low");
	media_offer_text(&m.make, 3, "  High  ", 8);
	ck_assert_str_eq(m.make.text, "High");
	media_offer_text(&m.make, 2, "Middle", 6);
	ck_assert_str_eq(m.make.text, "High");
	media_offer_text(&m.model, 1, "   ", 3); /* empty: not kept */
	ck_assert_ptr_null(m.model.text);
	media_offer_created(&m, &a, "first", 2);
	b.year = 1999;
	media_offer_created(&m, &b, "second", 1);
	ck_assert_int_eq(m.created.year, 2020);
	ck_assert_str_eq(m.created_source, "first");
	media_offer_location(&m, 95, 10, NULL, "bad", 9); /* out of range */
	ck_assert_int_eq(m.location_priority, 0);
	media_offer_location(&m, -33.5, 151.25, NULL, "good", 1);
	ck_assert(NEAR(m.latitude, -33.5));
	media_set_rotation(&m, -90);
	ck_assert_int_eq(m.rotation, 270);
	media_free(&m);
	stub_host_free(host);
}
END_TEST

/* ---- text ------------------------------------------------------------------ */

START_TEST(text_conversions)
{
	char *s;
	const unsigned char utf16le[] = { 'A', 0, 0xe9, 0, 0x3d, 0xd8, 0x00, 0xde, 0, 0, 'x', 0 };
	const unsigned char utf16be[] = { 0, 'H', 0, 'i', 0xd8, 0x00 }; /* a lone surrogate */

	s = media_text_escape("caf\xc3\xa9 \xc0\xaf \xed\xa0\x80", 12);
	ck_assert_str_eq(s, "caf\xc3\xa9 \\xc0\\xaf \\xed\\xa0\\x80");
	free(s);
	s = media_text_latin1("\xe9t\xe9\x85", 4);
	ck_assert_str_eq(s, "\xc3\xa9t\xc3\xa9\\x85");
	free(s);
	s = media_text_utf16(utf16le, sizeof utf16le, false);
	ck_assert_str_eq(s, "A\xc3\xa9\xf0\x9f\x98\x80"); /* stops at the NUL unit */
	free(s);
	s = media_text_utf16(utf16be, sizeof utf16be, true);
	ck_assert_str_eq(s, "Hi\xef\xbf\xbd");
	free(s);
	ck_assert_uint_eq(media_text_trimmed_length("ab \0\0", 5), 2);
}
END_TEST

/* ---- times ----------------------------------------------------------------- */

START_TEST(times_parse_and_convert)
{
	media_datetime dt;
	char text[32];

	ck_assert(media_datetime_parse("2005:05:08 17:52:50", 19, &dt));
	ck_assert(!dt.has_zone);
	ck_assert_int_eq(dt.year, 2005);
	ck_assert_int_eq(dt.second, 50);
	ck_assert(media_datetime_parse("2005-05-08T17:52:50+09:00", 25, &dt));
	ck_assert(dt.has_zone);
	ck_assert_int_eq(dt.zone_minutes, 540);
	ck_assert_int_eq(media_datetime_unix(&dt), 1115542370); /* 08:52:50Z */
	ck_assert(media_datetime_parse("2020-01-02T03:04:05.25-0130", 27, &dt));
	ck_assert_int_eq(dt.zone_minutes, -90);
	ck_assert_int_eq(dt.nanosecond, 250000000);
	ck_assert(media_datetime_parse("2021-03-04T05:06:07Z\0\0", 22, &dt));
	ck_assert_int_eq(media_datetime_unix(&dt), 1614834367);
	ck_assert(media_datetime_parse("2012-10-01", 10, &dt));
	ck_assert(!media_datetime_parse("2019:02:29 00:00:00", 19, &dt)); /* not a leap year */
	ck_assert(media_datetime_parse("2020:02:29 00:00:00", 19, &dt));
	ck_assert(!media_datetime_parse("0000:00:00 00:00:00", 19, &dt)); /* EXIF "unknown" */
	ck_assert(!media_datetime_parse("    :  :     :  :  ", 19, &dt));
	ck_assert(!media_datetime_parse("2020:13:01 00:00:00", 19, &dt));
	ck_assert(!media_datetime_parse("2020-01-01T10:00:00+25:00", 25, &dt));
	dt = media_datetime_from_unix(0);
	ck_assert_int_eq(dt.year, 1970);
	dt = media_datetime_from_unix(951782400); /* 2000-02-29 */
	ck_assert_int_eq(dt.month, 2);
	ck_assert_int_eq(dt.day, 29);
	dt = media_datetime_from_unix(-MEDIA_EPOCH_1904);
	media_datetime_local_text(&dt, text);
	ck_assert_str_eq(text, "1904-01-01T00:00:00");
	dt = media_datetime_from_unix(-MEDIA_EPOCH_1601);
	media_datetime_local_text(&dt, text);
	ck_assert_str_eq(text, "1601-01-01T00:00:00");
	dt = media_datetime_from_unix(MEDIA_EPOCH_2001);
	media_datetime_local_text(&dt, text);
	ck_assert_str_eq(text, "2001-01-01T00:00:00");
	ck_assert(media_zone_parse("Z", 1, &dt.zone_minutes));
	ck_assert(!media_zone_parse("+1", 2, &dt.zone_minutes));
}
END_TEST

/* ---- places ---------------------------------------------------------------- */

START_TEST(iso6709_forms)
{
	iso6709_point pt;

	/* the string IPED's EmptyVideoParserTest hands its converter */
	ck_assert(iso6709_parse("+48.8577+002.295/", 17, &pt));
	ck_assert(NEAR(pt.latitude, 48.8577));
	ck_assert(NEAR(pt.longitude, 2.295));
	ck_assert(!pt.has_altitude);
	ck_assert(iso6709_parse("+4851.462+00217.7/", 18, &pt));
	ck_assert(NEAR(pt.latitude, 48.8577));
	ck_assert(NEAR(pt.longitude, 2.295));
	ck_assert(iso6709_parse("+485127.72+0021742/", 19, &pt));
	ck_assert(NEAR(pt.latitude, 48.8577));
	ck_assert(NEAR(pt.longitude, 2.295));
	ck_assert(iso6709_parse("-22.476429-042.187541+013.200/", 30, &pt));
	ck_assert(NEAR(pt.latitude, -22.476429));
	ck_assert(NEAR(pt.longitude, -42.187541));
	ck_assert(pt.has_altitude);
	ck_assert(NEAR(pt.altitude, 13.2));
	ck_assert(iso6709_parse("+27.5916+086.5640+8850CRSWGS_84/", 32, &pt));
	ck_assert(NEAR(pt.altitude, 8850));
	ck_assert(!iso6709_parse("+95.0+010.0/", 12, &pt));
	ck_assert(!iso6709_parse("+12.5/", 6, &pt));
	ck_assert(!iso6709_parse("abc", 3, &pt));
	ck_assert(!iso6709_parse("", 0, &pt));
	ck_assert(!iso6709_parse("+4875.0+00217.7/", 16, &pt)); /* 75 minutes */
	ck_assert(!iso6709_parse("+48.8577", 8, &pt));
}
END_TEST

/* ---- XMP ------------------------------------------------------------------- */

START_TEST(xmp_properties_and_facts)
{
	static const char packet[] =
		"<?xpacket begin='\xef\xbb\xbf' id='W5M0MpCehiHzreSzNTczkc9d'?>"
		"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='x'>"
		"<rdf:Description rdf:about='' tiff:Make='Nikon &amp; Co'"
		" exif:DateTimeOriginal='2019-07-01T10:20:30+02:00'>"
		"<tiff:Model>D&#51;500</tiff:Model>"
		"<exif:GPSLatitude>48,51.462N</exif:GPSLatitude>"
		"<exif:GPSLongitude>2,17.7W</exif:GPSLongitude>"
		"<dc:subject><rdf:Bag><rdf:li>one</rdf:li><rdf:li>two</rdf:li></rdf:Bag></dc:subject>"
		"<!-- <tiff:Model>comment</tiff:Model> -->"
		"</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>";
	unsigned char data[4] = { 0 };
	exhibit_host *host = stub_host_new(data, sizeof data, "/x");
	media m;
	int subjects = 0;
	double deg;

	media_init(&m, stub_host_api(), host, sizeof data);
	xmp_parse(&m, packet, sizeof packet - 1);
	ck_assert_str_eq(m.make.text, "Nikon & Co");
	ck_assert_str_eq(m.model.text, "D3500");
	ck_assert(m.created.has_zone);
	ck_assert_int_eq(media_datetime_unix(&m.created), 1561969230);
	ck_assert(NEAR(m.latitude, 48.8577));
	ck_assert(NEAR(m.longitude, -2.295));
	for (size_t i = 0; i < m.n_tags; i++)
		subjects += !strcmp(m.tags[i].name, "dc:subject");
	ck_assert_int_eq(subjects, 2);
	ck_assert(xmp_gps_coordinate("33,52,7.68S", &deg));
	ck_assert(NEAR(deg, -(33 + 52 / 60.0 + 7.68 / 3600)));
	ck_assert(!xmp_gps_coordinate("33,75.0N", &deg));
	ck_assert(!xmp_gps_coordinate("33,5.0Q", &deg));
	ck_assert(!xmp_gps_coordinate("33,5.0E trailing", &deg));
	/* broken markup ends the scan harmlessly */
	xmp_parse(&m, "<a b='unterminated", 18);
	xmp_parse(&m, "<<<<>>>>&&&&", 12);
	media_free(&m);
	stub_host_free(host);
}
END_TEST

/* ---- codec names ----------------------------------------------------------- */

START_TEST(codec_names_match_ffprobe)
{
	ck_assert_str_eq(codec_from_fourcc((const unsigned char *)"avc1"), "h264");
	ck_assert_str_eq(codec_from_fourcc((const unsigned char *)"hev1"), "hevc");
	ck_assert_str_eq(codec_from_fourcc((const unsigned char *)"xvid"), "mpeg4");
	ck_assert_str_eq(codec_from_fourcc((const unsigned char *)"SVQ1"), "svq1");
	ck_assert_ptr_null(codec_from_fourcc((const unsigned char *)"tmcd"));
	ck_assert_ptr_null(codec_from_fourcc((const unsigned char *)"\0\0\0\0"));
	ck_assert_str_eq(codec_from_wave_format(0x55, 0), "mp3");
	ck_assert_str_eq(codec_from_wave_format(1, 8), "pcm_u8");
	ck_assert_str_eq(codec_from_wave_format(0x161, 16), "wmav2");
	ck_assert_str_eq(codec_from_mp4_object_type(0x40), "aac");
	ck_assert_str_eq(codec_from_mp4_object_type(0x6b), "mp3");
	ck_assert_str_eq(codec_from_matroska("A_AAC/MPEG4/LC", 0), "aac");
	ck_assert_str_eq(codec_from_matroska("V_MPEG4/ISO/ASP", 0), "mpeg4");
	ck_assert_str_eq(codec_from_matroska("V_MPEG4/ISO/AVC", 0), "h264");
	ck_assert_str_eq(codec_from_matroska("A_PCM/INT/LIT", 24), "pcm_s24le");
	ck_assert_ptr_null(codec_from_matroska("X_UNKNOWN", 0));
	ck_assert_str_eq(codec_from_ts_stream_type(0x1b), "h264");
	ck_assert_str_eq(codec_from_flv_video(2), "flv1");
	ck_assert_str_eq(codec_from_flv_audio(10, 1), "aac");
}
END_TEST

static Suite *media_suite(void)
{
	Suite *s = suite_create("media-common");
	TCase *t = tcase_create("core");

	tcase_add_test(t, peek_stays_inside_the_item);
	tcase_add_test(t, problems_and_tags_are_bounded);
	tcase_add_test(t, tags_keep_hostile_bytes_escaped_and_bounded);
	tcase_add_test(t, facts_keep_the_highest_priority);
	tcase_add_test(t, text_conversions);
	tcase_add_test(t, times_parse_and_convert);
	tcase_add_test(t, iso6709_forms);
	tcase_add_test(t, xmp_properties_and_facts);
	tcase_add_test(t, codec_names_match_ffprobe);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_run_suite(media_suite());
}
