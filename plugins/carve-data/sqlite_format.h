/*
 * sqlite_format.h — the parts of SQLite's file format the SQLite carvers
 * check: the 100-byte database header, b-tree page headers, pointer-map
 * pages and varints.  Pure functions over bytes; no I/O.
 */
#ifndef EXHIBIT_CARVE_SQLITE_FORMAT_H
#define EXHIBIT_CARVE_SQLITE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define SQLITE_HEADER_LEN 100
/* The page that holds the lock bytes at 1 GiB is never used. */
#define SQLITE_PENDING_BYTE 0x40000000u

/* What the database header says. */
typedef struct sqlfile_geometry {
	uint32_t page_size;      /* 512..65536 */
	uint32_t usable;         /* page_size minus the reserved bytes */
	uint32_t header_pages;   /* the in-header size in pages */
	int size_trusted;        /* header_pages is valid (version-valid-for) */
	uint32_t freelist_trunk;
	uint32_t freelist_count;
	uint32_t largest_root;   /* non-zero: auto-vacuum, pointer-map pages */
	uint32_t schema_format;
} sqlfile_geometry;

/*
 * sqlfile_parse_header — check the 100-byte header h and describe it.
 * RETURN: 1 when h is a plausible database header, else 0.
 */
int sqlfile_parse_header(const unsigned char *h, sqlfile_geometry *g);

/* The page size a WAL or journal header gives (1 = 65536 is not used
 * there): 1 when p is a power of two in 512..65536. */
int sqlfile_page_size_ok(uint32_t p);

/* A b-tree page header, as sqlfile_parse_btree_header found it. */
typedef struct sqlfile_btree_header {
	uint8_t type;            /* 2, 5, 10 or 13 */
	uint8_t size;            /* 8 (leaf) or 12 (interior) */
	uint16_t ncell;
	uint32_t first_freeblock;
	uint32_t content_start;  /* 0 in the file means 65536 */
	uint32_t right_child;    /* interior pages only */
	uint32_t pointers_end;   /* page offset just past the cell pointer array */
} sqlfile_btree_header;

/* 1 when t is a b-tree page type. */
int sqlfile_btree_type_ok(unsigned t);

/*
 * sqlfile_parse_btree_header — check the b-tree page header at p (hdr_off
 * into its page: 100 on page 1, else 0; p points at the header itself, and
 * at least 12 bytes follow) for a page of usable bytes.  Checks only what
 * lies in the header: the cell pointer array fits before the content area,
 * which lies in the page, and so does the first freeblock.
 * RETURN: 1 when consistent, else 0.
 */
int sqlfile_parse_btree_header(const unsigned char *p, uint32_t hdr_off, uint32_t usable,
                              sqlfile_btree_header *b);

/* 1 when a cell pointer of a page with header b may point at cell ptr. */
int sqlfile_cell_pointer_ok(const sqlfile_btree_header *b, uint32_t ptr, uint32_t usable);

/* Pointer-map pages (auto-vacuum): 1 when page pgno is one. */
int sqlfile_is_ptrmap_page(uint32_t pgno, uint32_t usable, uint32_t page_size);

/* 1 when pgno is the page holding the lock bytes. */
int sqlfile_is_pending_page(uint32_t pgno, uint32_t page_size);

/*
 * sqlfile_varint — decode a varint from p (at most avail bytes).
 * RETURN: its length (1..9), or 0 when avail bytes do not hold one.
 */
int sqlfile_varint(const unsigned char *p, size_t avail, uint64_t *v);

/* The bytes a payload of payload_len keeps on a page of usable bytes
 * (the rest overflows); index: an index b-tree (or table interior). */
uint32_t sqlfile_local_payload(uint64_t payload_len, uint32_t usable, int index);

#endif
