/* export_zip.c - the deflate level of a large export's workbook.
 *
 * libxlsxwriter 1.1.4 packs the workbook through the system's minizip
 * (zipOpenNewFileInZip4_64) at zlib's default level 6 and has no option
 * for it.  For a journal of a million rows that deflate is about half of
 * the export's time, so an export in constant_memory mode (export.h:
 * EXPORT_CONST_MEM_ROWS rows or more) packs at level 1 instead: the file
 * grows by about a quarter (figures in the README), every reader opens it
 * the same (a zip member's level is not part of its format; minizip only
 * notes it in the member's flags, bits 1-2 = 6 for level 1).
 *
 * How: this file defines zipOpenNewFileInZip4_64.  The hall executable
 * exports it (libxlsxwriter refers to it), so libxlsxwriter's calls come
 * here first; we pass them on to minizip's own function unchanged, except
 * while x_zip_level_set() has set a level in this thread: export_run sets
 * it around its workbook_close() and clears it right after.  Nothing else
 * in the process is affected: other threads, other workbooks and every
 * other minizip call keep their level.  When minizip's function cannot be
 * found (a static libxlsxwriter would not call through here at all) the
 * call fails as minizip's own would on bad arguments. */
#define _GNU_SOURCE 1           /* RTLD_NEXT */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

#include "export_int.h"

#define X_Z_DEFLATED 8          /* zlib's Z_DEFLATED */
#define X_ZIP_PARAMERROR (-102) /* minizip's ZIP_PARAMERROR */

/* minizip 1.1's zipOpenNewFileInZip4_64 (zip.h), with its typedefs
 * spelled out: zipFile is a pointer, uInt unsigned int, uLong unsigned
 * long, zip_fileinfo passed by pointer. */
typedef int (*zip_open_fn)(void *file, const char *filename, const void *zipfi,
                           const void *extra_local, unsigned size_local,
                           const void *extra_global, unsigned size_global,
                           const char *comment, int method, int level, int raw,
                           int window_bits, int mem_level, int strategy,
                           const char *password, unsigned long crc_for_crypting,
                           unsigned long version_made_by, unsigned long flag_base,
                           int zip64);

int zipOpenNewFileInZip4_64(void *file, const char *filename, const void *zipfi,
                            const void *extra_local, unsigned size_local,
                            const void *extra_global, unsigned size_global,
                            const char *comment, int method, int level, int raw,
                            int window_bits, int mem_level, int strategy,
                            const char *password, unsigned long crc_for_crypting,
                            unsigned long version_made_by, unsigned long flag_base,
                            int zip64);

static _Thread_local int level_now = -1;   /* -1: leave the level alone */
static zip_open_fn real_open;              /* minizip's, found once */
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

static void find_real(void)
{
	void *sym = dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64");
	if (sym)
		*(void **)&real_open = sym;
}

void x_zip_level_set(int level)
{
	level_now = level >= 1 && level <= 9 ? level : -1;
}

int zipOpenNewFileInZip4_64(void *file, const char *filename, const void *zipfi,
                            const void *extra_local, unsigned size_local,
                            const void *extra_global, unsigned size_global,
                            const char *comment, int method, int level, int raw,
                            int window_bits, int mem_level, int strategy,
                            const char *password, unsigned long crc_for_crypting,
                            unsigned long version_made_by, unsigned long flag_base,
                            int zip64)
{
	pthread_once(&real_once, find_real);
	if (!real_open)
		return X_ZIP_PARAMERROR;
	if (level_now > 0 && method == X_Z_DEFLATED && !raw)
		level = level_now;
	return real_open(file, filename, zipfi, extra_local, size_local, extra_global,
	            size_global, comment, method, level, raw, window_bits, mem_level,
	            strategy, password, crc_for_crypting, version_made_by, flag_base,
	            zip64);
}
