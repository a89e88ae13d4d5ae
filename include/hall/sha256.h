/*
 * sha256.h - SHA-256 (FIPS 180-4), for the hash chain of the audit log.
 *
 * A small, dependency-free implementation: libcrypt has no raw SHA-256 and
 * the audit log does not justify linking OpenSSL.  Tested against the
 * FIPS 180-4 / NIST CAVP example vectors (tests/test_sha256.c).  Not for
 * passwords (those are yescrypt, auth.h).
 */
#ifndef HALL_SHA256_H
#define HALL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN 64

struct sha256 {
	uint32_t h[8];
	uint64_t len;            /* bytes hashed so far */
	unsigned char buf[64];
	size_t nbuf;
};

/* Start a hash. */
void sha256_init(struct sha256 *c);
/* Add n bytes (data may be NULL when n is 0). */
void sha256_update(struct sha256 *c, const void *data, size_t n);
/* Finish: write the 32-byte digest; c must be re-initialised to reuse. */
void sha256_final(struct sha256 *c, unsigned char out[SHA256_LEN]);
/* One-shot digest of n bytes. */
void sha256(const void *data, size_t n, unsigned char out[SHA256_LEN]);
/* Lower-case hex of a digest; out gets 64 characters and a NUL. */
void sha256_hex(const unsigned char d[SHA256_LEN], char out[SHA256_HEX_LEN + 1]);

#endif
