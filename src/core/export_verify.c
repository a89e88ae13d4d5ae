/* export_verify.c - read a finished xlsx back before it is moved into
 * place.  libxlsxwriter writes every part of the package to temporary
 * files first and does not check those writes (a full disk there gives a
 * zip whose parts are cut short but whose CRCs match what was read), so
 * each member is inflated, its size and CRC compared with the central
 * directory, and each XML part must end with the closing tag of its root
 * element. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "export_int.h"

#define CHUNK (256 * 1024)

static uint16_t rd16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static int bad(struct hall_err *err, const char *path, const char *why_zh,
               const char *why_en)
{
	return hall_err_set(err, HALL_EIO, "output",
		"写出的文件 %s 不完整（%s%.0s），可能磁盘已满；没有留下文件",
		"the file written to %s is incomplete (%.0s%s), perhaps the disk is full; no file was left",
		path, why_zh, why_en);
}

static bool read_at(int fd, void *buf, size_t n, off_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

static bool is_xml_name(const char *name, size_t n)
{
	static const char *const ext[] = { ".xml", ".rels", ".vml" };
	for (size_t i = 0; i < 3; i++) {
		size_t e = strlen(ext[i]);
		if (n >= e && memcmp(name + n - e, ext[i], e) == 0)
			return true;
	}
	return false;
}

/* The name of the root element at the start of an XML text. */
static bool root_name(const unsigned char *head, size_t n, char *out, size_t outsz)
{
	size_t i = 0;
	if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
		i = 3;
	for (;;) {
		while (i < n && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'))
			i++;
		if (i + 1 >= n || head[i] != '<')
			return false;
		if (head[i + 1] == '?' || head[i + 1] == '!') {   /* declaration, comment */
			while (i < n && head[i] != '>')
				i++;
			i++;
			continue;
		}
		break;
	}
	i++;
	size_t o = 0;
	while (i < n && head[i] != ' ' && head[i] != '>' && head[i] != '/' &&
	       head[i] != '\n' && head[i] != '\r' && head[i] != '\t' && o + 1 < outsz)
		out[o++] = (char)head[i++];
	out[o] = '\0';
	return o > 0 && i < n;
}

/* The first and the last bytes of a member's text. */
struct seen {
	unsigned char head[512], tail[256];
	size_t nhead, ntail;
};

static void see(struct seen *sn, const unsigned char *p, size_t n)
{
	size_t h = n < sizeof sn->head - sn->nhead ? n : sizeof sn->head - sn->nhead;
	memcpy(sn->head + sn->nhead, p, h);
	sn->nhead += h;
	if (n >= sizeof sn->tail) {
		memcpy(sn->tail, p + n - sizeof sn->tail, sizeof sn->tail);
		sn->ntail = sizeof sn->tail;
		return;
	}
	size_t keep = sn->ntail + n > sizeof sn->tail ? sizeof sn->tail - n : sn->ntail;
	memmove(sn->tail, sn->tail + sn->ntail - keep, keep);
	memcpy(sn->tail + keep, p, n);
	sn->ntail = keep + n;
}

struct member {
	char name[256];
	uint16_t method;
	uint32_t crc, csize, usize, local;
};

static int check_member(int fd, const struct member *m, uint32_t cd_off,
                        int64_t full_limit, int64_t min_size,
                        const char *path, struct hall_err *err)
{
	unsigned char lh[30];
	if (!read_at(fd, lh, sizeof lh, (off_t)m->local) || rd32(lh) != 0x04034b50)
		return bad(err, path, "局部文件头损坏", "broken local header");
	uint64_t data = (uint64_t)m->local + 30 + rd16(lh + 26) + rd16(lh + 28);
	if (data + m->csize > cd_off)
		return bad(err, path, "数据越界", "member data out of bounds");
	if (min_size > 0 && (int64_t)m->usize < min_size)
		return bad(err, path, "工作表数据被截断", "worksheet data cut short");
	if ((int64_t)m->usize > full_limit)
		return HALL_OK;
	if (m->method != 8 && m->method != 0)
		return bad(err, path, "未知的压缩方式", "unknown compression method");

	unsigned char *in = malloc(CHUNK), *out = malloc(CHUNK);
	if (!in || !out) {
		free(in);
		free(out);
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	}
	struct seen sn = { .nhead = 0, .ntail = 0 };
	uint64_t total = 0, left = m->csize;
	uLong crc = crc32(0L, Z_NULL, 0);
	z_stream z;
	memset(&z, 0, sizeof z);
	int zrc = Z_OK;
	bool ok = true;
	if (m->method == 8 && inflateInit2(&z, -MAX_WBITS) != Z_OK)
		ok = false;
	off_t pos = (off_t)data;
	while (ok && zrc != Z_STREAM_END) {
		size_t n = left < CHUNK ? (size_t)left : CHUNK;
		if (n == 0) {
			/* stored: done; deflated: the stream did not end inside its data */
			ok = m->method == 0;
			break;
		}
		if (!read_at(fd, in, n, pos)) {
			ok = false;
			break;
		}
		pos += (off_t)n;
		left -= n;
		if (m->method == 0) {
			crc = crc32(crc, in, (uInt)n);
			total += n;
			see(&sn, in, n);
			continue;
		}
		z.next_in = in;
		z.avail_in = (uInt)n;
		do {
			z.next_out = out;
			z.avail_out = CHUNK;
			zrc = inflate(&z, Z_NO_FLUSH);
			if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR) {
				ok = false;
				break;
			}
			size_t produced = CHUNK - z.avail_out;
			crc = crc32(crc, out, (uInt)produced);
			total += produced;
			see(&sn, out, produced);
		} while (zrc != Z_STREAM_END && (z.avail_in > 0 || z.avail_out == 0));
	}
	if (m->method == 8)
		inflateEnd(&z);
	free(in);
	free(out);
	if (!ok || (m->method == 8 && zrc != Z_STREAM_END))
		return bad(err, path, "压缩数据损坏", "broken compressed data");
	if (total != m->usize || crc != m->crc)
		return bad(err, path, "长度或校验和不符", "size or CRC mismatch");
	if (is_xml_name(m->name, strlen(m->name))) {
		char root[128], want[140];
		if (!root_name(sn.head, sn.nhead, root, sizeof root))
			return bad(err, path, "XML 开头损坏", "XML part does not start well");
		size_t ntail = sn.ntail;
		const unsigned char *tail = sn.tail;
		while (ntail > 0 && (tail[ntail - 1] == ' ' || tail[ntail - 1] == '\n' ||
		                     tail[ntail - 1] == '\r' || tail[ntail - 1] == '\t'))
			ntail--;
		snprintf(want, sizeof want, "</%s>", root);
		size_t w = strlen(want);
		if (ntail < w || memcmp(tail + ntail - w, want, w) != 0)
			return bad(err, path, "XML 部分被截断", "XML part cut short");
	}
	return HALL_OK;
}

int xv_check(const char *path, const char *shown, int64_t full_limit,
             const int64_t *min_size, int nmin, struct hall_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hall_err_set(err, HALL_EIO, "output", "不能读回 %s：%s",
		                    "cannot read %s back: %s", shown, strerror(errno));
	struct stat sb;
	int rc = HALL_OK;
	unsigned char *cd = NULL;
	if (fstat(fd, &sb) != 0 || sb.st_size < 22) {
		rc = bad(err, shown, "文件太短", "file too short");
		goto done;
	}
	/* the end of central directory record, within the last 64 KiB */
	size_t tailn = sb.st_size < 65557 ? (size_t)sb.st_size : 65557;
	unsigned char *t = malloc(tailn);
	if (!t) {
		rc = hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		goto done;
	}
	if (!read_at(fd, t, tailn, sb.st_size - (off_t)tailn)) {
		free(t);
		rc = bad(err, shown, "读不出结尾", "cannot read the end");
		goto done;
	}
	long eocd = -1;
	for (long i = (long)tailn - 22; i >= 0; i--) {
		if (rd32(t + i) == 0x06054b50) {
			eocd = i;
			break;
		}
	}
	if (eocd < 0) {
		free(t);
		rc = bad(err, shown, "缺少 zip 目录", "no zip directory");
		goto done;
	}
	uint16_t entries = rd16(t + eocd + 10);
	uint32_t cd_size = rd32(t + eocd + 12), cd_off = rd32(t + eocd + 16);
	free(t);
	if (entries == 0 || (uint64_t)cd_off + cd_size > (uint64_t)sb.st_size) {
		rc = bad(err, shown, "zip 目录损坏", "broken zip directory");
		goto done;
	}
	cd = malloc(cd_size);
	if (!cd || !read_at(fd, cd, cd_size, (off_t)cd_off)) {
		rc = bad(err, shown, "读不出 zip 目录", "cannot read the zip directory");
		goto done;
	}
	bool has_types = false, has_book = false;
	size_t p = 0;
	for (unsigned i = 0; i < entries && rc == HALL_OK; i++) {
		if (p + 46 > cd_size || rd32(cd + p) != 0x02014b50) {
			rc = bad(err, shown, "zip 目录损坏", "broken zip directory");
			break;
		}
		struct member m;
		m.method = rd16(cd + p + 10);
		m.crc = rd32(cd + p + 16);
		m.csize = rd32(cd + p + 20);
		m.usize = rd32(cd + p + 24);
		size_t nlen = rd16(cd + p + 28), elen = rd16(cd + p + 30), clen = rd16(cd + p + 32);
		m.local = rd32(cd + p + 42);
		if (p + 46 + nlen > cd_size || nlen >= sizeof m.name) {
			rc = bad(err, shown, "zip 目录损坏", "broken zip directory");
			break;
		}
		memcpy(m.name, cd + p + 46, nlen);
		m.name[nlen] = '\0';
		p += 46 + nlen + elen + clen;
		has_types |= strcmp(m.name, "[Content_Types].xml") == 0;
		has_book |= strcmp(m.name, "xl/workbook.xml") == 0;
		int sheet = 0;
		int64_t min = 0;
		if (sscanf(m.name, "xl/worksheets/sheet%d.xml", &sheet) == 1 &&
		    sheet >= 1 && sheet <= nmin && min_size)
			min = min_size[sheet - 1];
		rc = check_member(fd, &m, cd_off, full_limit, min, shown, err);
	}
	if (rc == HALL_OK && (!has_types || !has_book))
		rc = bad(err, shown, "缺少工作簿部件", "workbook parts missing");
done:
	free(cd);
	close(fd);
	return rc;
}

int export_verify_xlsx(const char *path, struct hall_err *err)
{
	return xv_check(path, path, INT64_MAX, NULL, 0, err);
}
